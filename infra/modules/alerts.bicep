// What tells an operator that something is wrong (infra/README.md "Operate"): an availability test on
// GET /api/health, and alerts for failing health, server errors and failed queue messages, mailed to
// an optional address.

@description('Function app name (used to name the alert resources).')
param appName string

@description('Function app host name.')
param hostName string

param applicationInsightsId string

@description('Azure region.')
param location string

param tags object = {}

@description('Where alerts are mailed; empty sends them nowhere (they still show in the portal).')
param alertEmail string = ''

var healthTestName = '${appName}-health'

resource actionGroup 'Microsoft.Insights/actionGroups@2023-01-01' = {
  name: '${appName}-operators'
  location: 'global'
  tags: tags
  properties: {
    groupShortName: 'pishkhan'
    enabled: true
    emailReceivers: empty(alertEmail) ? [] : [
      {
        name: 'operators'
        emailAddress: alertEmail
        useCommonAlertSchema: true
      }
    ]
  }
}

resource healthTest 'Microsoft.Insights/webtests@2022-06-15' = {
  name: healthTestName
  location: location
  tags: union(tags, { 'hidden-link:${applicationInsightsId}': 'Resource' })
  kind: 'standard'
  properties: {
    SyntheticMonitorId: healthTestName
    Name: 'GET /api/health'
    Description: 'Storage reachable from the app (200) or not (503).'
    Enabled: true
    Frequency: 300
    Timeout: 30
    Kind: 'standard'
    RetryEnabled: true
    Locations: [
      { Id: 'emea-nl-ams-azr' }
      { Id: 'emea-gb-db3-azr' }
      { Id: 'emea-fr-pra-edge' }
    ]
    Request: {
      RequestUrl: 'https://${hostName}/api/health'
      HttpVerb: 'GET'
      ParseDependentRequests: false
    }
    ValidationRules: {
      ExpectedHttpStatusCode: 200
      SSLCheck: true
      SSLCertRemainingLifetimeCheck: 7
    }
  }
}

resource healthAlert 'Microsoft.Insights/metricAlerts@2018-03-01' = {
  name: '${appName}-health-failing'
  location: 'global'
  tags: tags
  properties: {
    description: 'GET /api/health fails from 2 or more locations: the app is down or its storage unreachable.'
    severity: 1
    enabled: true
    scopes: [
      healthTest.id
      applicationInsightsId
    ]
    evaluationFrequency: 'PT5M'
    windowSize: 'PT15M'
    criteria: {
      'odata.type': 'Microsoft.Azure.Monitor.WebtestLocationAvailabilityCriteria'
      webTestId: healthTest.id
      componentId: applicationInsightsId
      failedLocationCount: 2
    }
    actions: [
      { actionGroupId: actionGroup.id }
    ]
  }
}

// The app's own metrics (functions/Pishkhan/Telemetry): 5xx answers and queue messages that threw or were poisoned.
resource failuresAlert 'Microsoft.Insights/scheduledQueryRules@2023-12-01' = {
  name: '${appName}-failures'
  location: location
  tags: tags
  properties: {
    displayName: 'Pishkhan: server errors or failed queue messages'
    description: 'See infra/README.md "Operate": poison queues, failed notifications in Outbox, the queries below.'
    severity: 2
    enabled: true
    scopes: [
      applicationInsightsId
    ]
    evaluationFrequency: 'PT15M'
    windowSize: 'PT15M'
    criteria: {
      allOf: [
        {
          query: '''
customMetrics
| where (name == "pishkhan.http.requests" and toint(customDimensions["http.response.status_code"]) >= 500)
    or name in ("pishkhan.queue.messages.failed", "pishkhan.queue.messages.poisoned")
| summarize failures = sum(valueSum)
'''
          timeAggregation: 'Total'
          metricMeasureColumn: 'failures'
          operator: 'GreaterThan'
          threshold: 0
          failingPeriods: {
            numberOfEvaluationPeriods: 1
            minFailingPeriodsToAlert: 1
          }
        }
      ]
    }
    actions: {
      actionGroups: [
        actionGroup.id
      ]
    }
  }
}
