// durable-fraud-agents on Azure: Flex Consumption (Node 22) + Durable Task Scheduler + Azure OpenAI,
// identity everywhere (no keys, no shared-key storage, no local auth on Application Insights).
// Deployed by `azd up`; not compiled on the build machines (no Bicep CLI there) — see docs/azure.md.
targetScope = 'subscription'

@minLength(1)
@maxLength(64)
@description('azd environment name; used for the resource group and the naming token.')
param environmentName string

@minLength(1)
@description('Region for every resource except (optionally) Azure OpenAI. Must offer Flex Consumption and DTS.')
@metadata({ azd: { type: 'location' } })
param location string

@description('Object id of the deploying user (azd sets AZURE_PRINCIPAL_ID). Empty skips the user role assignments.')
param principalId string = ''

@description('Principal type of principalId: a developer is a User, a CI login is a ServicePrincipal.')
@allowed(['User', 'ServicePrincipal', 'Group'])
param principalType string = 'User'

@description('Resource group name; empty = rg-<environmentName>.')
param resourceGroupName string = ''

// Durable Task Scheduler
@description('DTS SKU: Consumption (pay per action, 500 actions/s) or Dedicated (capacity units, 2,000 actions/s each).')
@allowed(['Consumption', 'Dedicated'])
param dtsSkuName string = 'Consumption'

@description('Days the scheduler keeps finished orchestrations (autopurge, 1-90); DTS_RETENTION_DAYS offline.')
@minValue(1)
@maxValue(90)
param dtsRetentionDays int = 30

@description('Capacity units when dtsSkuName is Dedicated; ignored for Consumption.')
@minValue(1)
param dtsCapacity int = 1

@description('Task hub name; the app reads it as TASKHUB_NAME (host.json hubName is %TASKHUB_NAME%).')
param taskHubName string = 'fraudcases'

@description('DTS location (defaults to location).')
param dtsLocation string = location

// Azure OpenAI
@description('An existing Azure OpenAI endpoint (https://<name>.openai.azure.com/). Set it to skip creating an account; grant the app identity "Cognitive Services OpenAI User" on it yourself.')
param existingOpenAiEndpoint string = ''

@description('Create an Azure OpenAI account when no existing endpoint is given. false = the app runs its scripted offline model.')
param deployOpenAi bool = true

@description('Azure OpenAI region (model availability varies by region).')
param openAiLocation string = location

@description('Deployment name the app calls (AZURE_OPENAI_DEPLOYMENT).')
param openAiDeploymentName string = 'gpt-4o-mini'

@description('Model name for the created deployment.')
param openAiModelName string = 'gpt-4o-mini'

@description('Model version for the created deployment.')
param openAiModelVersion string = '2024-07-18'

@description('GlobalStandard capacity in thousands of tokens per minute.')
@minValue(1)
param openAiCapacity int = 30

// App
@description('Run the timer-triggered telemetry simulator in Azure (off by default: it starts real investigations).')
param simulatorEnabled bool = false

@description('NCRONTAB schedule of the simulator when it is enabled.')
param simulatorSchedule string = '*/3 * * * * *'

@description('Optional DTS dashboard base URL for instance links (DTS_DASHBOARD_URL; the app appends /<instanceId>). Empty = the app derives a task hub link from the scheduler endpoint.')
param dtsDashboardUrl string = ''

var abbrs = loadJsonContent('abbreviations.json')
var resourceToken = toLower(uniqueString(subscription().id, environmentName, location))
var tags = { 'azd-env-name': environmentName }
var functionAppName = '${abbrs.functionApp}${resourceToken}'
var deploymentContainerName = 'app-package-${take(functionAppName, 32)}-${take(resourceToken, 7)}'
var createOpenAi = empty(existingOpenAiEndpoint) && deployOpenAi

resource rg 'Microsoft.Resources/resourceGroups@2024-03-01' = {
  name: !empty(resourceGroupName) ? resourceGroupName : '${abbrs.resourceGroup}${environmentName}'
  location: location
  tags: tags
}

// Versions below are the ones the current Azure-Samples Flex Consumption azd templates deploy
// (functions-quickstart-typescript-azd, durable-functions-quickstart-typescript-azd); not compiled here.
module identity 'br/public:avm/res/managed-identity/user-assigned-identity:0.4.1' = {
  name: 'identity'
  scope: rg
  params: {
    name: '${abbrs.userAssignedIdentity}api-${resourceToken}'
    location: location
    tags: tags
  }
}

module plan 'br/public:avm/res/web/serverfarm:0.1.1' = {
  name: 'plan'
  scope: rg
  params: {
    name: '${abbrs.appServicePlan}${resourceToken}'
    location: location
    tags: tags
    sku: {
      name: 'FC1'
      tier: 'FlexConsumption'
    }
    reserved: true
  }
}

module storage 'br/public:avm/res/storage/storage-account:0.8.3' = {
  name: 'storage'
  scope: rg
  params: {
    name: '${abbrs.storageAccount}${resourceToken}'
    location: location
    tags: tags
    skuName: 'Standard_LRS'
    allowBlobPublicAccess: false
    allowSharedKeyAccess: false
    dnsEndpointType: 'Standard'
    minimumTlsVersion: 'TLS1_2'
    publicNetworkAccess: 'Enabled'
    networkAcls: {
      defaultAction: 'Allow'
      bypass: 'AzureServices'
    }
    blobServices: {
      containers: [{ name: deploymentContainerName }]
    }
  }
}

module logAnalytics 'br/public:avm/res/operational-insights/workspace:0.11.1' = {
  name: 'logAnalytics'
  scope: rg
  params: {
    name: '${abbrs.logAnalytics}${resourceToken}'
    location: location
    tags: tags
    dataRetention: 30
  }
}

module appInsights 'br/public:avm/res/insights/component:0.6.0' = {
  name: 'appInsights'
  scope: rg
  params: {
    name: '${abbrs.appInsights}${resourceToken}'
    location: location
    tags: tags
    workspaceResourceId: logAnalytics.outputs.resourceId
    disableLocalAuth: true
  }
}

module dts 'app/dts.bicep' = {
  name: 'dts'
  scope: rg
  params: {
    name: '${abbrs.durableTaskScheduler}${resourceToken}'
    location: dtsLocation
    tags: tags
    skuName: dtsSkuName
    capacity: dtsCapacity
    retentionDays: dtsRetentionDays
    taskHubName: taskHubName
    appPrincipalId: identity.outputs.principalId
    userPrincipalId: principalId
    userPrincipalType: principalType
  }
}

module openAi 'app/openai.bicep' = if (createOpenAi) {
  name: 'openAi'
  scope: rg
  params: {
    name: '${abbrs.openAi}${resourceToken}'
    location: openAiLocation
    tags: tags
    deploymentName: openAiDeploymentName
    modelName: openAiModelName
    modelVersion: openAiModelVersion
    capacity: openAiCapacity
    appPrincipalId: identity.outputs.principalId
    userPrincipalId: principalId
    userPrincipalType: principalType
  }
}

module rbac 'app/rbac.bicep' = {
  name: 'rbac'
  scope: rg
  params: {
    storageAccountName: storage.outputs.name
    appInsightsName: appInsights.outputs.name
    appPrincipalId: identity.outputs.principalId
    userPrincipalId: principalId
    userPrincipalType: principalType
  }
}

module api 'app/api.bicep' = {
  name: 'api'
  scope: rg
  params: {
    name: functionAppName
    location: location
    tags: tags
    planId: plan.outputs.resourceId
    identityId: identity.outputs.resourceId
    identityClientId: identity.outputs.clientId
    storageAccountName: storage.outputs.name
    deploymentContainerName: deploymentContainerName
    appInsightsConnectionString: appInsights.outputs.connectionString
    dtsEndpoint: dts.outputs.endpoint
    taskHubName: dts.outputs.taskHubName
    dtsDashboardUrl: dtsDashboardUrl
    openAiEndpoint: createOpenAi ? openAi.outputs.endpoint : existingOpenAiEndpoint
    openAiDeploymentName: openAiDeploymentName
    simulatorEnabled: simulatorEnabled
    simulatorSchedule: simulatorSchedule
  }
  // The app must not start before its identity can reach storage, DTS and OpenAI.
  dependsOn: [rbac]
}

output AZURE_LOCATION string = location
output AZURE_TENANT_ID string = tenant().tenantId
output AZURE_RESOURCE_GROUP string = rg.name
output AZURE_FUNCTION_APP_NAME string = api.outputs.name
output SERVICE_API_NAME string = api.outputs.name
output SERVICE_API_URI string = api.outputs.uri
output DTS_ENDPOINT string = dts.outputs.endpoint
output DTS_SCHEDULER_NAME string = dts.outputs.name
output TASKHUB_NAME string = dts.outputs.taskHubName
output DTS_TASKHUB_DASHBOARD_URL string = dts.outputs.dashboardUrl
output AZURE_OPENAI_ENDPOINT string = createOpenAi ? openAi.outputs.endpoint : existingOpenAiEndpoint
output AZURE_OPENAI_DEPLOYMENT string = openAiDeploymentName
