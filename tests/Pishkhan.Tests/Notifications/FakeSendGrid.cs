using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Logging;

namespace Pishkhan.Tests.Notifications;

/// <summary>
/// A SendGrid-compatible endpoint on 127.0.0.1:0: records every POST /v3/mail/send (headers and JSON)
/// and answers from a script (status, headers, body), or 202 with a fresh X-Message-Id when the script
/// is empty. Tests point Pishkhan:SendGrid:Host at <see cref="Url"/>.
/// </summary>
public sealed class FakeSendGrid : IAsyncDisposable
{
    public sealed record Received(string Path, string? Authorization, string? ContentType, JsonNode Body, DateTimeOffset At, int AnsweredWith, string? MessageId)
    {
        /// <summary>The notification ids this request carried (custom_args of each personalization).</summary>
        public IEnumerable<string> NotificationIds => Body["personalizations"]!.AsArray().Select(p => p!["custom_args"]!["notificationId"]!.GetValue<string>());
    }

    public sealed record Answer(int Status, IReadOnlyDictionary<string, string>? Headers = null, string? Body = null);

    private readonly WebApplication _app;
    private readonly ConcurrentQueue<Answer> _script = new();
    private int _next;

    public ConcurrentQueue<Received> Requests { get; } = new();
    public string Url { get; }
    /// <summary>Time each answer takes (a provider is not instant); concurrent requests overlap.</summary>
    public TimeSpan Latency { get; set; }

    private FakeSendGrid(WebApplication app)
    {
        _app = app;
        Url = app.Urls.First();
    }

    public static async Task<FakeSendGrid> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        FakeSendGrid? fake = null;
        app.MapPost("/v3/mail/send", async (HttpContext context) =>
        {
            var body = JsonNode.Parse(await new StreamReader(context.Request.Body).ReadToEndAsync())!;
            if (fake!.Latency > TimeSpan.Zero) await Task.Delay(fake.Latency);
            var answer = fake._script.TryDequeue(out var a) ? a : new Answer(202);
            var messageId = answer.Status is >= 200 and < 300 ? $"fake-{Interlocked.Increment(ref fake._next)}" : null;
            fake.Requests.Enqueue(new Received(context.Request.Path, context.Request.Headers.Authorization.ToString(), context.Request.ContentType,
                body, DateTimeOffset.UtcNow, answer.Status, messageId));
            context.Response.StatusCode = answer.Status;
            if (messageId is not null) context.Response.Headers["X-Message-Id"] = messageId;
            foreach (var (k, v) in answer.Headers ?? new Dictionary<string, string>()) context.Response.Headers[k] = v;
            if (answer.Body is not null)
            {
                context.Response.ContentType = "application/json";
                await context.Response.WriteAsync(answer.Body);
            }
        });
        await app.StartAsync();
        fake = new FakeSendGrid(app);
        return fake;
    }

    public List<Received> For(string notificationId) => Requests.Where(r => r.NotificationIds.Contains(notificationId)).ToList();

    public void Then(int status, IReadOnlyDictionary<string, string>? headers = null, string? body = null) => _script.Enqueue(new Answer(status, headers, body));

    /// <summary>Emails accepted: personalizations of the requests answered 2xx.</summary>
    public int AcceptedEmails => Requests.Where(r => r.AnsweredWith is >= 200 and < 300).Sum(r => r.Body["personalizations"]!.AsArray().Count);

    /// <summary>Every accepted recipient address, once per accepted copy.</summary>
    public List<string> AcceptedRecipients() => Requests.Where(r => r.AnsweredWith is >= 200 and < 300)
        .SelectMany(r => r.Body["personalizations"]!.AsArray().SelectMany(p => p!["to"]!.AsArray().Select(t => t!["email"]!.GetValue<string>())))
        .ToList();

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

public static class Poll
{
    /// <summary>Waits until <paramref name="condition"/> holds, checking every 50 ms; fails the test after <paramref name="timeoutSeconds"/>.</summary>
    /// <remarks>60 s: on a loaded CI machine (the suite runs twice, the second time under fa-IR) a queue round trip
    /// has taken over 20 s; a passing test returns as soon as the condition holds, so only a real failure waits.</remarks>
    public static async Task UntilAsync(Func<Task<bool>> condition, string what, double timeoutSeconds = 60)
    {
        var deadline = DateTime.UtcNow.AddSeconds(timeoutSeconds);
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline) Assert.Fail($"Timed out waiting for: {what}");
            await Task.Delay(50);
        }
    }
}
