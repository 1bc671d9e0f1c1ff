// Pishkhan on Azure: `azd up` provisions this and deploys functions/Pishkhan.Functions to it.
// See infra/README.md "Deploy" for the parameters and the secrets to set.
targetScope = 'subscription'

@minLength(1)
@maxLength(64)
@description('azd environment name; names the resource group and seeds the resource names.')
param environmentName string

@minLength(1)
@description('Region of every resource (one that offers Flex Consumption).')
param location string

@description('Principal id of an operator to grant data access (queues, tables, blobs, secrets); azd passes the signed-in principal. Empty for none.')
param principalId string = ''

@allowed(['User', 'Group', 'ServicePrincipal'])
param principalType string = 'User'

@description('Where alerts are mailed; empty for none.')
param alertEmail string = ''

@secure()
@description('SendGrid API key, written to Key Vault when given (else set the secret later).')
param sendGridApiKey string = ''

@secure()
@description('Kavenegar (SMS) API key, written to Key Vault when given (else set the secret later; until then SMS rows wait like mail without its key).')
param kavenegarApiKey string = ''

@description('Kavenegar sender line; empty for the account\'s default line.')
param smsSender string = ''

@secure()
@description('Bootstrap admin key, written to Key Vault when given; remove the secret once scoped keys are issued.')
param bootstrapAdminKey string = ''

@secure()
@description('HMAC key of the digests\' one-click unsubscribe links, written to Key Vault when given (else set the secret later).')
param unsubscribeSigningKey string = ''

@secure()
@description('HMAC key of the monthly re-inspection draw, written to Key Vault when given (else set the secret later).')
param reinspectionDrawSecret string = ''

@minValue(40)
@maxValue(1000)
param maximumInstanceCount int = 100

@allowed([512, 2048, 4096])
param instanceMemoryMB int = 2048

@description('Pishkhan__MaxJsonBodyBytes')
param maxJsonBodyBytes int = 65536

@description('Pishkhan__MaxCsvBodyBytes')
param maxCsvBodyBytes int = 2097152

@description('Pishkhan__ThursdayWorkingHours (0 = Thursday off)')
param thursdayWorkingHours string = '4'

@description('Pishkhan__ServiceStartPeriod: the first Jalali month the service ran (yyyy-MM)')
param serviceStartPeriod string = '1404-01'

@description('Any app setting to set to another value than its default, e.g. { "Pishkhan__Complaints__Stage1WorkingDays": "7" }.')
param appSettingOverrides object = {}

// Tables.All (functions/Pishkhan/Storage/StorageOptions.cs) and QueueNames.All (Bindings/BindingTable.cs):
// SettingsConsistencyTests fails when these lists and the code differ. The app also creates them at start-up.
var tables = [
  'ApiKeys'
  'Directory'
  'Counties'
  'Offices'
  'Agencies'
  'Contracts'
  'Members'
  'RankingPolicies'
  'Holidays'
  'OfficeStats'
  'Outbox'
  'InspectionRequests'
  'Targets'
  'Meetings'
  'Rankings'
  'Complaints'
  'ComplaintCodes'
  'ComplaintContacts'
  'ComplaintDedupe'
  'ComplaintAccessLog'
  'ComplaintSweep'
  'Inspections'
  'InspectionsByCounty'
  'InspectionTemplates'
  'InspectionPolicies'
  'InspectionFollowUps'
  'Reinspections'
  'Sanctions'
  'SanctionTimers'
  'OutboxFailures'
  'Digests'
  'SmsOptOuts'
  'RatingCodes'
  'Requests'
  'RequestKeys'
  'RequestOffices'
]
var queues = [
  'notifications'
  'inspections'
  'rankings'
  'request-callbacks'
]

var resourceToken = toLower(uniqueString(subscription().id, environmentName, location))
var tags = { 'azd-env-name': environmentName, app: 'pishkhan' }
var functionAppName = 'func-pishkhan-${resourceToken}'
var identityName = 'id-pishkhan-${resourceToken}'
var storageAccountName = 'st${resourceToken}'
var keyVaultName = 'kv-${resourceToken}'
var applicationInsightsName = 'appi-pishkhan-${resourceToken}'
var sendGridApiKeySecretName = 'sendgrid-api-key'
var bootstrapAdminKeySecretName = 'bootstrap-admin-key'
var unsubscribeSigningKeySecretName = 'unsubscribe-signing-key'
var reinspectionDrawSecretName = 'reinspection-draw-secret'
var kavenegarApiKeySecretName = 'kavenegar-api-key'

resource rg 'Microsoft.Resources/resourceGroups@2024-11-01' = {
  name: 'rg-${environmentName}'
  location: location
  tags: tags
}

module identity 'modules/identity.bicep' = {
  name: 'identity'
  scope: rg
  params: {
    name: identityName
    location: location
    tags: tags
  }
}

module storage 'modules/storage.bicep' = {
  name: 'storage'
  scope: rg
  params: {
    name: storageAccountName
    location: location
    tags: tags
    tables: tables
    queues: queues
    deploymentContainerName: 'deployment-package'
  }
}

module keyVault 'modules/keyvault.bicep' = {
  name: 'keyvault'
  scope: rg
  params: {
    name: keyVaultName
    location: location
    tags: tags
    sendGridApiKeySecretName: sendGridApiKeySecretName
    bootstrapAdminKeySecretName: bootstrapAdminKeySecretName
    sendGridApiKey: sendGridApiKey
    bootstrapAdminKey: bootstrapAdminKey
    unsubscribeSigningKeySecretName: unsubscribeSigningKeySecretName
    unsubscribeSigningKey: unsubscribeSigningKey
    reinspectionDrawSecretName: reinspectionDrawSecretName
    reinspectionDrawSecret: reinspectionDrawSecret
    kavenegarApiKeySecretName: kavenegarApiKeySecretName
    kavenegarApiKey: kavenegarApiKey
  }
}

module monitoring 'modules/monitoring.bicep' = {
  name: 'monitoring'
  scope: rg
  params: {
    logAnalyticsName: 'log-pishkhan-${resourceToken}'
    applicationInsightsName: applicationInsightsName
    location: location
    tags: tags
  }
}

module rbac 'modules/rbac.bicep' = {
  name: 'rbac'
  scope: rg
  // Names known before deployment (not module outputs), so What-If can predict the assignments.
  params: {
    appIdentityName: identityName
    appPrincipalId: identity.outputs.principalId
    operatorPrincipalId: principalId
    operatorPrincipalType: principalType
    storageAccountName: storageAccountName
    keyVaultName: keyVaultName
    applicationInsightsName: applicationInsightsName
  }
  dependsOn: [
    storage
    keyVault
    monitoring
  ]
}

module functionApp 'modules/functionapp.bicep' = {
  name: 'functionapp'
  scope: rg
  params: {
    name: functionAppName
    planName: 'plan-pishkhan-${resourceToken}'
    location: location
    tags: tags
    identityId: identity.outputs.id
    identityClientId: identity.outputs.clientId
    storageAccountName: storage.outputs.name
    storageBlobEndpoint: storage.outputs.blobEndpoint
    deploymentContainerName: 'deployment-package'
    keyVaultUri: keyVault.outputs.uri
    sendGridApiKeySecretName: sendGridApiKeySecretName
    bootstrapAdminKeySecretName: bootstrapAdminKeySecretName
    unsubscribeSigningKeySecretName: unsubscribeSigningKeySecretName
    reinspectionDrawSecretName: reinspectionDrawSecretName
    kavenegarApiKeySecretName: kavenegarApiKeySecretName
    smsSender: smsSender
    applicationInsightsConnectionString: monitoring.outputs.connectionString
    publicReportBaseUrl: storage.outputs.webEndpoint
    publicSiteUrl: storage.outputs.webEndpoint
    maximumInstanceCount: maximumInstanceCount
    instanceMemoryMB: instanceMemoryMB
    maxJsonBodyBytes: maxJsonBodyBytes
    maxCsvBodyBytes: maxCsvBodyBytes
    thursdayWorkingHours: thursdayWorkingHours
    serviceStartPeriod: serviceStartPeriod
    appSettingOverrides: appSettingOverrides
  }
  // The host reads its deployment package and storage as the identity from its first start.
  dependsOn: [
    rbac
  ]
}

module alerts 'modules/alerts.bicep' = {
  name: 'alerts'
  scope: rg
  params: {
    appName: functionAppName
    hostName: functionApp.outputs.hostName
    applicationInsightsId: monitoring.outputs.applicationInsightsId
    location: location
    tags: tags
    alertEmail: alertEmail
  }
}

output AZURE_LOCATION string = location
output AZURE_TENANT_ID string = tenant().tenantId
output AZURE_RESOURCE_GROUP string = rg.name
output SERVICE_API_NAME string = functionApp.outputs.name
output SERVICE_API_URI string = functionApp.outputs.uri
output AZURE_STORAGE_ACCOUNT_NAME string = storage.outputs.name
output AZURE_KEY_VAULT_NAME string = keyVault.outputs.name
output REPORTS_URL string = storage.outputs.webEndpoint
