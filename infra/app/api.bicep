// The Flex Consumption function app (Node 22), running as the user-assigned identity, with identity-based
// settings only: no storage keys, no OpenAI key, AAD-only Application Insights ingestion.
param name string
param location string
param tags object = {}
param planId string
param identityId string
param identityClientId string
param storageAccountName string
param deploymentContainerName string
param appInsightsConnectionString string
param dtsEndpoint string
param taskHubName string
param dtsDashboardUrl string = ''
param openAiEndpoint string = ''
param openAiDeploymentName string
param simulatorEnabled bool = false
param simulatorSchedule string = '*/3 * * * * *'
param instanceMemoryMB int = 2048
param maximumInstanceCount int = 100

resource storage 'Microsoft.Storage/storageAccounts@2023-05-01' existing = {
  name: storageAccountName
}

var appSettings = {
  // Host storage through the identity (blob, queue and table are all still used with DTS).
  AzureWebJobsStorage__credential: 'managedidentity'
  AzureWebJobsStorage__clientId: identityClientId
  AzureWebJobsStorage__blobServiceUri: storage.properties.primaryEndpoints.blob
  AzureWebJobsStorage__queueServiceUri: storage.properties.primaryEndpoints.queue
  AzureWebJobsStorage__tableServiceUri: storage.properties.primaryEndpoints.table
  // Telemetry: the host reads the authentication string; the app's distro gets a credential in code.
  APPLICATIONINSIGHTS_CONNECTION_STRING: appInsightsConnectionString
  APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'ClientId=${identityClientId};Authorization=AAD'
  // Durable Task Scheduler (host.json: hubName %TASKHUB_NAME%, connectionStringName below).
  DURABLE_TASK_SCHEDULER_CONNECTION_STRING: 'Endpoint=${dtsEndpoint};Authentication=ManagedIdentity;ClientID=${identityClientId}'
  TASKHUB_NAME: taskHubName
  // DefaultAzureCredential in the app picks the user-assigned identity.
  AZURE_CLIENT_ID: identityClientId
  AZURE_OPENAI_ENDPOINT: openAiEndpoint
  AZURE_OPENAI_DEPLOYMENT: openAiDeploymentName
  // Case records (case index, decisions, ledger and delivery audit) in a table of the same storage
  // account: kept for years, long after the scheduler's retention purges the instances.
  CASE_RECORDS_STORE: 'table'
  SIMULATOR_ENABLED: simulatorEnabled ? 'true' : 'false'
  // Also resolves a %SIMULATOR_SCHEDULE% timer binding; while the simulator is off, a daily tick keeps
  // the timer from waking a Flex instance every few seconds.
  SIMULATOR_SCHEDULE: simulatorEnabled ? simulatorSchedule : '0 0 0 * * *'
}
var dashboardSettings = empty(dtsDashboardUrl) ? {} : { DTS_DASHBOARD_URL: dtsDashboardUrl }

// Version as deployed by the Azure-Samples Flex Consumption azd templates; not compiled here.
module app 'br/public:avm/res/web/site:0.15.1' = {
  name: 'functionApp'
  params: {
    name: name
    location: location
    kind: 'functionapp,linux'
    tags: union(tags, { 'azd-service-name': 'api' })
    serverFarmResourceId: planId
    managedIdentities: {
      systemAssigned: false
      userAssignedResourceIds: [identityId]
    }
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: '${storage.properties.primaryEndpoints.blob}${deploymentContainerName}'
          authentication: {
            type: 'UserAssignedIdentity'
            userAssignedIdentityResourceId: identityId
          }
        }
      }
      scaleAndConcurrency: {
        instanceMemoryMB: instanceMemoryMB
        maximumInstanceCount: maximumInstanceCount
      }
      runtime: {
        name: 'node'
        version: '22'
      }
    }
    siteConfig: {
      alwaysOn: false
    }
    appSettingsKeyValuePairs: union(appSettings, dashboardSettings)
  }
}

output name string = app.outputs.name
output uri string = 'https://${app.outputs.defaultHostname}'
