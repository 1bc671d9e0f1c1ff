// Key Vault for the app's secrets, read by the Functions app through Key Vault references with the
// managed identity (Azure RBAC, no access policies). A secret is written only when its value is given
// at deployment; otherwise set it afterwards (infra/README.md "Deploy") — until then the reference does
// not resolve and the app treats the setting as absent.

@description('Key Vault name (3-24 characters).')
@minLength(3)
@maxLength(24)
param name string

@description('Azure region.')
param location string

param tags object = {}

@description('Name of the secret holding the SendGrid API key.')
param sendGridApiKeySecretName string

@description('Name of the secret holding the bootstrap admin key.')
param bootstrapAdminKeySecretName string

@description('Name of the secret holding the HMAC key of the digests\' unsubscribe links.')
param unsubscribeSigningKeySecretName string

@description('Name of the secret holding the HMAC key of the monthly re-inspection draw.')
param reinspectionDrawSecretName string

@description('Name of the secret holding the Kavenegar (SMS) API key.')
param kavenegarApiKeySecretName string

@secure()
@description('Kavenegar API key; empty leaves the secret as it is.')
param kavenegarApiKey string = ''

@secure()
@description('SendGrid API key; empty leaves the secret as it is.')
param sendGridApiKey string = ''

@secure()
@description('Bootstrap admin key; empty leaves the secret as it is.')
param bootstrapAdminKey string = ''

@secure()
@description('Unsubscribe link signing key; empty leaves the secret as it is (changing it voids links already sent).')
param unsubscribeSigningKey string = ''

@secure()
@description('Re-inspection draw HMAC key; empty leaves the secret as it is. County teams must never learn it.')
param reinspectionDrawSecret string = ''

@description('Purge protection cannot be turned off again; enable it for production vaults.')
param enablePurgeProtection bool = false

resource vault 'Microsoft.KeyVault/vaults@2024-11-01' = {
  name: name
  location: location
  tags: tags
  properties: {
    tenantId: tenant().tenantId
    sku: {
      family: 'A'
      name: 'standard'
    }
    enableRbacAuthorization: true
    enableSoftDelete: true
    softDeleteRetentionInDays: 7
    enablePurgeProtection: enablePurgeProtection ? true : null
    publicNetworkAccess: 'Enabled'
  }
}

resource sendGridSecret 'Microsoft.KeyVault/vaults/secrets@2024-11-01' = if (!empty(sendGridApiKey)) {
  parent: vault
  name: sendGridApiKeySecretName
  properties: {
    value: sendGridApiKey
    contentType: 'text/plain'
  }
}

resource bootstrapSecret 'Microsoft.KeyVault/vaults/secrets@2024-11-01' = if (!empty(bootstrapAdminKey)) {
  parent: vault
  name: bootstrapAdminKeySecretName
  properties: {
    value: bootstrapAdminKey
    contentType: 'text/plain'
  }
}

resource unsubscribeSecret 'Microsoft.KeyVault/vaults/secrets@2024-11-01' = if (!empty(unsubscribeSigningKey)) {
  parent: vault
  name: unsubscribeSigningKeySecretName
  properties: {
    value: unsubscribeSigningKey
    contentType: 'text/plain'
  }
}

resource reinspectionDrawSecretResource 'Microsoft.KeyVault/vaults/secrets@2024-11-01' = if (!empty(reinspectionDrawSecret)) {
  parent: vault
  name: reinspectionDrawSecretName
  properties: {
    value: reinspectionDrawSecret
    contentType: 'text/plain'
  }
}

resource kavenegarSecret 'Microsoft.KeyVault/vaults/secrets@2024-11-01' = if (!empty(kavenegarApiKey)) {
  parent: vault
  name: kavenegarApiKeySecretName
  properties: {
    value: kavenegarApiKey
    contentType: 'text/plain'
  }
}

output id string = vault.id
output name string = vault.name
output uri string = vault.properties.vaultUri
