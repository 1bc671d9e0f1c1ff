// The storage account of the app: Functions host state and the deployment package (blobs), every
// table and queue of the app (each queue with its "-poison" twin), and the static website that serves
// the published ranking reports from the $web container. Shared-key access is off: everything,
// including the Functions host, authenticates with Entra ID (the managed identity).

@description('Storage account name (3-24 lowercase letters and digits).')
@minLength(3)
@maxLength(24)
param name string

@description('Azure region.')
param location string

param tags object = {}

@description('Table names; the same list as Tables.All in functions/Pishkhan/Storage/StorageOptions.cs.')
param tables array

@description('Queue names; the same list as QueueNames.All in functions/Pishkhan/Bindings/BindingTable.cs. Each gets a -poison twin.')
param queues array

@description('Blob container holding the Flex Consumption deployment package.')
param deploymentContainerName string

@allowed(['Standard_LRS', 'Standard_ZRS', 'Standard_GRS', 'Standard_RAGRS'])
param skuName string = 'Standard_LRS'

resource account 'Microsoft.Storage/storageAccounts@2025-08-01' = {
  name: name
  location: location
  tags: tags
  kind: 'StorageV2'
  sku: {
    name: skuName
  }
  properties: {
    accessTier: 'Hot'
    allowSharedKeyAccess: false
    allowBlobPublicAccess: false
    defaultToOAuthAuthentication: true
    minimumTlsVersion: 'TLS1_2'
    supportsHttpsTrafficOnly: true
    publicNetworkAccess: 'Enabled'
    dnsEndpointType: 'Standard'
  }
}

// staticWebsite on blobServices is an ARM property since API version 2025-08-01, so the static website
// is enabled here, with no data-plane call (a deployment script or `az storage blob service-properties
// update`, which would need a storage data role for whoever deploys). Enabling it creates the $web
// container; the ranking publisher writes reports there and they are served from the web endpoint.
resource blobs 'Microsoft.Storage/storageAccounts/blobServices@2025-08-01' = {
  parent: account
  name: 'default'
  properties: {
    staticWebsite: {
      enabled: true
      indexDocument: 'index.html'
      errorDocument404Path: '404.html'
    }
    deleteRetentionPolicy: {
      enabled: true
      days: 7
    }
    containerDeleteRetentionPolicy: {
      enabled: true
      days: 7
    }
  }
}

resource deploymentContainer 'Microsoft.Storage/storageAccounts/blobServices/containers@2025-08-01' = {
  parent: blobs
  name: deploymentContainerName
  properties: {
    publicAccess: 'None'
  }
}

resource tableService 'Microsoft.Storage/storageAccounts/tableServices@2025-08-01' = {
  parent: account
  name: 'default'
}

resource appTables 'Microsoft.Storage/storageAccounts/tableServices/tables@2025-08-01' = [for table in tables: {
  parent: tableService
  name: table
}]

resource queueService 'Microsoft.Storage/storageAccounts/queueServices@2025-08-01' = {
  parent: account
  name: 'default'
}

resource appQueues 'Microsoft.Storage/storageAccounts/queueServices/queues@2025-08-01' = [for queue in queues: {
  parent: queueService
  name: queue
}]

resource poisonQueues 'Microsoft.Storage/storageAccounts/queueServices/queues@2025-08-01' = [for queue in queues: {
  parent: queueService
  name: '${queue}-poison'
}]

output id string = account.id
output name string = account.name
output blobEndpoint string = account.properties.primaryEndpoints.blob
output webEndpoint string = account.properties.primaryEndpoints.web
