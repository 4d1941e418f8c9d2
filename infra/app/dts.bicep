// Durable Task Scheduler + task hub (no AVM module exists for DTS: raw resources) and the data-plane role
// for the app identity and the deploying user (without it the dashboard shows an error).
param name string
param location string
param tags object = {}

@allowed(['Consumption', 'Dedicated'])
param skuName string = 'Consumption'

@description('Capacity units; only sent for Dedicated.')
param capacity int = 1

param taskHubName string

@description('An empty allowlist denies every caller, so the default allows all (access is still RBAC-only).')
param ipAllowlist array = [
  '0.0.0.0/0'
]

@description('Days the scheduler keeps finished orchestrations before autopurge deletes them (1-90; the service default is 30). The offline host reads the same policy from DTS_RETENTION_DAYS. Case records outlive it (src/records); completed ingest instances are purged by the app within INGEST_RETENTION_MINUTES.')
@minValue(1)
@maxValue(90)
param retentionDays int = 30

param appPrincipalId string
param userPrincipalId string = ''
param userPrincipalType string = 'User'

var durableTaskDataContributor = '0ad04412-c4d5-4796-b79c-f76d14c8d402'
var dedicatedSku = {
  name: 'Dedicated'
  capacity: capacity
}
var consumptionSku = {
  name: 'Consumption'
}

resource scheduler 'Microsoft.DurableTask/schedulers@2025-11-01' = {
  name: name
  location: location
  tags: tags
  properties: {
    ipAllowlist: ipAllowlist
    sku: skuName == 'Dedicated' ? dedicatedSku : consumptionSku
  }
}

resource taskHub 'Microsoft.DurableTask/schedulers/taskHubs@2025-11-01' = {
  parent: scheduler
  name: taskHubName
}

// Autopurge of every terminal status (Completed, Failed, Terminated, Canceled: the policy names no state).
resource retention 'Microsoft.DurableTask/schedulers/retentionPolicies@2025-11-01' = {
  parent: scheduler
  name: 'default'
  properties: {
    retentionPolicies: [
      {
        retentionPeriodInDays: retentionDays
      }
    ]
  }
}

resource dtsContributorApp 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(scheduler.id, appPrincipalId, durableTaskDataContributor)
  scope: scheduler
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', durableTaskDataContributor)
    principalId: appPrincipalId
    principalType: 'ServicePrincipal'
  }
}

resource dtsContributorUser 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (!empty(userPrincipalId)) {
  name: guid(scheduler.id, userPrincipalId, durableTaskDataContributor)
  scope: scheduler
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', durableTaskDataContributor)
    principalId: userPrincipalId
    principalType: userPrincipalType
  }
}

output name string = scheduler.name
output endpoint string = scheduler.properties.endpoint
output taskHubName string = taskHub.name
output dashboardUrl string = taskHub.properties.dashboardUrl
