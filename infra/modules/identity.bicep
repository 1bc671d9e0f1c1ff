// The app's user-assigned managed identity: the one principal that reads storage, Key Vault secrets
// and publishes telemetry. Its roles are granted in rbac.bicep once the resources exist.

@description('Name of the user-assigned managed identity.')
param name string

@description('Azure region.')
param location string

param tags object = {}

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: name
  location: location
  tags: tags
}

output id string = identity.id
output name string = identity.name
output clientId string = identity.properties.clientId
output principalId string = identity.properties.principalId
