using Microsoft.AspNetCore.Http;
using Pishkhan.Http;
using Pishkhan.Auth;

namespace Pishkhan.Bindings;

// The binding table: every HTTP route, queue and timer of the app as data. Both hosts read it:
// the Functions app through attribute constants (FunctionNames, Routes, QueueNames, Schedules)
// checked against this table by a reflection test, the local host by iterating BindingTable.

/// <summary>An HTTP route: who may call it is declared here, enforced centrally by HttpGateway.</summary>
public sealed record HttpBinding(string Function, string Method, string Route, AccessRule Access, HttpHandler Handler);

/// <summary>A queue-triggered handler with the Functions queue-trigger semantics.</summary>
public sealed record QueueBinding(string Function, string Queue, QueueHandler Handler);

/// <summary>A timer with a six-field NCRONTAB schedule evaluated in UTC.</summary>
public sealed record TimerBinding(string Function, string Schedule, TimerHandler Handler);

public delegate Task<IResult> HttpHandler(ApiRequest request);

/// <summary>Handles one queue message (already decoded from base64). Must be idempotent.</summary>
public delegate Task QueueHandler(IServiceProvider services, BinaryData message, CancellationToken cancellationToken);

public delegate Task TimerHandler(IServiceProvider services, CancellationToken cancellationToken);
