using Microsoft.AspNetCore.Http;
using Pishkhan.Auth;
using Pishkhan.Http;
using Pishkhan.OpenApi;

namespace Pishkhan.Bindings;

// A function's trigger (HTTP method and route, queue, schedule) is written once: on the Functions
// adapter's attribute, which the Worker SDK copies into functions.metadata at build. What runs it and who
// may call it is written once too: a row of BindingTable, keyed by the same function name. Both hosts
// join the two by name (FunctionCatalog), and a mismatch stops the host at start-up.

public delegate Task<IResult> HttpHandler(ApiRequest request);

/// <summary>Handles one queue message (already decoded from base64). Must be idempotent: delivery is at least once.</summary>
public delegate Task QueueHandler(BinaryData message, CancellationToken cancellationToken);

public delegate Task TimerHandler(CancellationToken cancellationToken);

/// <summary>
/// A handler method of a class the container builds, so the class's constructor shows what the handler
/// touches. <see cref="Bind"/> picks the method from an instance of <see cref="Type"/>.
/// </summary>
public sealed record HandlerMethod<TDelegate>(Type Type, Func<object, TDelegate> Bind) where TDelegate : Delegate;

/// <summary>A row of the table for an HTTP function: roles, handler and what the OpenAPI document says.</summary>
public sealed record HttpFunction(AccessRule Access, HandlerMethod<HttpHandler> Handler, RouteDoc Doc);

/// <summary>An HTTP function as served: its row joined with the method and route of its attribute.</summary>
public sealed record HttpBinding(string Function, string Method, string Route, AccessRule Access, Type HandlerType);

/// <summary>A queue the host listens to, with the handler that takes each message.</summary>
public sealed record QueueBinding(string Function, string Queue, QueueHandler Handler);

/// <summary>A timer with its six-field NCRONTAB schedule (UTC) and the handler it fires.</summary>
public sealed record TimerBinding(string Function, string Schedule, TimerHandler Handler);
