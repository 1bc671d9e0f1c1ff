// The Functions app on Flex Consumption (Linux, .NET 10 isolated worker), running as the user-assigned
// identity: identity-based host storage, Key Vault references for secrets, Entra ID telemetry ingestion.

@description('Function app name.')
param name string

@description('Flex Consumption plan name.')
param planName string

@description('Azure region.')
param location string

param tags object = {}

@description('Resource id of the user-assigned managed identity.')
param identityId string

@description('Client id of the user-assigned managed identity.')
param identityClientId string

param storageAccountName string

@description('Primary blob endpoint of the storage account (ends with /).')
param storageBlobEndpoint string

param deploymentContainerName string

@description('Key Vault URI (ends with /).')
param keyVaultUri string

param sendGridApiKeySecretName string
param bootstrapAdminKeySecretName string
param unsubscribeSigningKeySecretName string
param reinspectionDrawSecretName string
param kavenegarApiKeySecretName string

@description('Public address of the API, for links in mail (unsubscribe, complaint tracking, rating).')
param publicBaseUrl string = 'https://${name}.azurewebsites.net'

@description('Sender of all mail: a SendGrid verified sender identity.')
param mailFromEmail string = 'no-reply@pishkhan.example'

@description('SendGrid sandbox mode (staging): requests are validated, nothing is delivered.')
param sendGridSandboxMode bool = false

param applicationInsightsConnectionString string

@description('Static website endpoint serving the published ranking reports.')
param publicReportBaseUrl string

@description('Static website endpoint serving the public site (functions/Pishkhan/PublicSite): the one origin browsers may call the API from.')
param publicSiteUrl string

// CORS compares origins exactly: scheme, host and port, no path and no trailing slash (the web endpoint output ends
// with one): the first three parts of 'https://host/…' split at '/'.
var publicSiteOrigin = join(take(split(publicSiteUrl, '/'), 3), '/')

@description('Kavenegar sender line for SMS (a dedicated line receives the «لغو» replies); empty for the account\'s default line.')
param smsSender string = ''

@minValue(40)
@maxValue(1000)
param maximumInstanceCount int = 100

@allowed([512, 2048, 4096])
param instanceMemoryMB int = 2048

param maxJsonBodyBytes int = 65536
param maxCsvBodyBytes int = 2097152

@description('Working hours on Thursday (0 = closed); a decimal number as text.')
param thursdayWorkingHours string = '4'

@description('The first Jalali month the service ran (yyyy-MM): recomputes and re-inspection draws start there.')
param serviceStartPeriod string = '1404-01'

@description('App settings that replace the defaults below, e.g. { "Pishkhan__Complaints__Stage1WorkingDays": "7" }.')
param appSettingOverrides object = {}

// Every key here is in PishkhanSettings.Keys (tests/Pishkhan.Tests/Infra/SettingsConsistencyTests keeps the
// two lists, and local.settings.sample.json, in step). Adding a setting to the app = one line in each.
// Not here on purpose: AzureWebJobsStorage (a connection string; shared keys are off) and
// FUNCTIONS_WORKER_RUNTIME / FUNCTIONS_EXTENSION_VERSION (Flex Consumption takes the runtime from
// functionAppConfig and rejects them as app settings).
var appSettings = {
  // Functions host and app storage through the managed identity.
  AzureWebJobsStorage__accountName: storageAccountName
  AzureWebJobsStorage__credential: 'managedidentity'
  AzureWebJobsStorage__clientId: identityClientId
  // Telemetry; local authentication is off on Application Insights, so ingestion uses the identity.
  APPLICATIONINSIGHTS_CONNECTION_STRING: applicationInsightsConnectionString
  APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'ClientId=${identityClientId};Authorization=AAD'
  // Secrets: Key Vault references resolved with keyVaultReferenceIdentity (no version: the latest wins).
  Pishkhan__BootstrapAdminKey: '@Microsoft.KeyVault(SecretUri=${keyVaultUri}secrets/${bootstrapAdminKeySecretName})'
  Pishkhan__SendGrid__ApiKey: '@Microsoft.KeyVault(SecretUri=${keyVaultUri}secrets/${sendGridApiKeySecretName})'
  Pishkhan__UnsubscribeSigningKey: '@Microsoft.KeyVault(SecretUri=${keyVaultUri}secrets/${unsubscribeSigningKeySecretName})'
  Pishkhan__ReinspectionDrawSecret: '@Microsoft.KeyVault(SecretUri=${keyVaultUri}secrets/${reinspectionDrawSecretName})'
  Pishkhan__Kavenegar__ApiKey: '@Microsoft.KeyVault(SecretUri=${keyVaultUri}secrets/${kavenegarApiKeySecretName})'
  // Tunables (the defaults of PishkhanSettings).
  Pishkhan__MaxJsonBodyBytes: string(maxJsonBodyBytes)
  Pishkhan__MaxCsvBodyBytes: string(maxCsvBodyBytes)
  Pishkhan__ThursdayWorkingHours: thursdayWorkingHours
  Pishkhan__ServiceStartPeriod: serviceStartPeriod
  // Links in published rankings and emails point at the static website.
  Pishkhan__PublicReportBaseUrl: publicReportBaseUrl
  // The public site: its address (links, the site's origin) and the origin CORS allows below.
  Pishkhan__PublicSiteUrl: publicSiteOrigin
  // Mail (functions/Pishkhan/Notifications/README.md): SendGrid, sender, links back to the API.
  Pishkhan__SendGrid__Host: 'https://api.sendgrid.com'
  Pishkhan__SendGrid__SandboxMode: string(sendGridSandboxMode)
  Pishkhan__SendGrid__FromEmail: mailFromEmail
  Pishkhan__SendGrid__FromName: 'کارگروه دفاتر پیشخوان'
  Pishkhan__PublicBaseUrl: publicBaseUrl
  // SMS (Notifications/README.md): Kavenegar, the sender line, and the public pages the texts link to.
  Pishkhan__Kavenegar__Host: 'https://api.kavenegar.com'
  Pishkhan__Kavenegar__Sender: smsSender
  // Service requests: how long an office's counters wait before they are moved into OfficeStats (Requests/README.md).
  Pishkhan__RequestStatsFlushSeconds: '1'
  Pishkhan__RequestIntakeLingerMs: '200'
  // Agency webhooks: https to public addresses only in Azure (Requests/WebhookTargets.cs); true only on a developer's machine.
  Pishkhan__Webhooks__AllowLoopback: 'false'
  // Empty in Azure: the queue triggers name their queues literally.
  Pishkhan__StorageNamePrefix: ''
  // A stalled storage call is retried after 4 s, so it does not hold an HTTP answer (README "Lost answers").
  Pishkhan__StorageNetworkTimeoutSeconds: '4'
  // Complaint handling (Complaints/ComplaintPolicy.cs defaults): working-day stages, thresholds, rate limits.
  Pishkhan__Complaints__Stage1WorkingDays: '10'
  Pishkhan__Complaints__EscalationWindowWorkingDays: '10'
  Pishkhan__Complaints__Stage2WorkingDays: '20'
  Pishkhan__Complaints__MaxExtensionWorkingDays: '10'
  Pishkhan__Complaints__MaxExtensionsPerStage: '2'
  Pishkhan__Complaints__UpheldThreshold: '3'
  Pishkhan__Complaints__UpheldWindowDays: '90'
  Pishkhan__Complaints__CriticalCategories: 'overcharging,privacyBreach'
  Pishkhan__Complaints__FilingsPerClient: '10'
  Pishkhan__Complaints__FilingWindow: '00:10:00'
  Pishkhan__Complaints__FollowUpsPerClient: '60'
  Pishkhan__Complaints__FollowUpWindow: '00:01:00'
  Pishkhan__Complaints__DuplicateWindow: '1.00:00:00'
  Pishkhan__Complaints__MaxBodyBytes: '32768'
}

resource plan 'Microsoft.Web/serverfarms@2024-11-01' = {
  name: planName
  location: location
  tags: tags
  kind: 'functionapp'
  sku: {
    name: 'FC1'
    tier: 'FlexConsumption'
  }
  properties: {
    reserved: true
  }
}

resource site 'Microsoft.Web/sites@2024-11-01' = {
  name: name
  location: location
  tags: union(tags, { 'azd-service-name': 'api' })
  kind: 'functionapp,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identityId}': {}
    }
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    keyVaultReferenceIdentity: identityId
    siteConfig: {
      minTlsVersion: '1.2'
      ftpsState: 'Disabled'
      http20Enabled: true
      // Only the public site's pages and the working-group console (its /console/ pages) may call the API from a browser.
      // No credentials: the console sends its key as the X-Api-Key header, never a cookie. The platform's CORS allows
      // an allowed origin every method and header (it cannot narrow them); the local host narrows them to what the
      // pages send (SiteLocation.CorsMethods/CorsHeaders: GET, POST, DELETE; Content-Type, X-Api-Key, Idempotency-Key).
      cors: {
        allowedOrigins: [
          publicSiteOrigin
        ]
        supportCredentials: false
      }
    }
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: '${storageBlobEndpoint}${deploymentContainerName}'
          authentication: {
            type: 'UserAssignedIdentity'
            userAssignedIdentityResourceId: identityId
          }
        }
      }
      scaleAndConcurrency: {
        maximumInstanceCount: maximumInstanceCount
        instanceMemoryMB: instanceMemoryMB
      }
      runtime: {
        name: 'dotnet-isolated'
        version: '10.0'
      }
    }
  }
}

resource settings 'Microsoft.Web/sites/config@2024-11-01' = {
  parent: site
  name: 'appsettings'
  properties: union(appSettings, appSettingOverrides)
}

// azd deploys to Flex Consumption through the deployment container with Entra ID; publishing
// credentials (FTP, SCM basic auth) are never needed.
resource ftpCredentials 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2024-11-01' = {
  parent: site
  name: 'ftp'
  properties: {
    allow: false
  }
}

resource scmCredentials 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2024-11-01' = {
  parent: site
  name: 'scm'
  properties: {
    allow: false
  }
}

output id string = site.id
output name string = site.name
output hostName string = site.properties.defaultHostName
output uri string = 'https://${site.properties.defaultHostName}'
