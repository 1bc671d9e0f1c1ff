using System.Collections.Concurrent;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Logging;

namespace Pishkhan.Tests.Notifications;

/// <summary>
/// A Kavenegar-compatible endpoint on 127.0.0.1:0: records every POST /v1/{key}/sms/send.json (path key,
/// content type, form fields) and answers from a script (HTTP status, headers, return.status and message),
/// or 200 with {"return":{"status":200},"entries":[{"messageid":…}]} when the script is empty.
/// POST /v1/{key}/sms/receive.json returns the replies queued with <see cref="Reply"/> once.
/// </summary>
public sealed class FakeKavenegar : IAsyncDisposable
{
    public sealed record Received(string ApiKey, string? ContentType, IReadOnlyDictionary<string, string> Form, DateTimeOffset At, int AnsweredWith, long? MessageId)
    {
        public string Receptor => Form["receptor"];
        public string Message => Form["message"];
    }

    public sealed record Answer(int Status, IReadOnlyDictionary<string, string>? Headers = null, string? Message = null);

    private readonly WebApplication _app;
    private readonly ConcurrentQueue<Answer> _script = new();
    private readonly ConcurrentQueue<(string From, string Text)> _replies = new();
    private long _next = 8792343;

    public ConcurrentQueue<Received> Requests { get; } = new();
    public ConcurrentQueue<IReadOnlyDictionary<string, string>> ReceiveCalls { get; } = new();
    public string Url { get; }
    public TimeSpan Latency { get; set; }

    private FakeKavenegar(WebApplication app)
    {
        _app = app;
        Url = app.Urls.First();
    }

    public static async Task<FakeKavenegar> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        FakeKavenegar? fake = null;
        app.MapPost("/v1/{key}/sms/send.json", async (HttpContext context, string key) =>
        {
            var form = (await context.Request.ReadFormAsync()).ToDictionary(f => f.Key, f => f.Value.ToString());
            if (fake!.Latency > TimeSpan.Zero) await Task.Delay(fake.Latency);
            var answer = fake._script.TryDequeue(out var a) ? a : new Answer(200);
            long? messageId = answer.Status == 200 ? Interlocked.Increment(ref fake._next) : null;
            fake.Requests.Enqueue(new Received(key, context.Request.ContentType, form, DateTimeOffset.UtcNow, answer.Status, messageId));
            context.Response.StatusCode = answer.Status;
            foreach (var (k, v) in answer.Headers ?? new Dictionary<string, string>()) context.Response.Headers[k] = v;
            object body = messageId is { } id
                ? new
                {
                    @return = new { status = 200, message = "تایید شد" },
                    entries = new[] { new { messageid = id, message = form["message"], status = 1, statustext = "در صف ارسال", sender = form.GetValueOrDefault("sender") ?? "10004346", receptor = form["receptor"], date = 1356619709, cost = 120 } },
                }
                : new { @return = new { status = answer.Status, message = answer.Message ?? "خطا" }, entries = (object?)null };
            await context.Response.WriteAsJsonAsync(body);
        });
        app.MapPost("/v1/{key}/sms/receive.json", async (HttpContext context, string key) =>
        {
            fake!.ReceiveCalls.Enqueue((await context.Request.ReadFormAsync()).ToDictionary(f => f.Key, f => f.Value.ToString()));
            var entries = new List<object>();
            while (fake._replies.TryDequeue(out var r))
                entries.Add(new { messageid = Interlocked.Increment(ref fake._next), message = r.Text, sender = r.From, receptor = "2000660110", date = 1356619709 });
            await context.Response.WriteAsJsonAsync(new { @return = new { status = 200, message = "تایید شد" }, entries });
        });
        await app.StartAsync();
        fake = new FakeKavenegar(app);
        return fake;
    }

    public List<Received> To(string receptor) => Requests.Where(r => r.Receptor == receptor).ToList();

    public void Then(int status, IReadOnlyDictionary<string, string>? headers = null, string? message = null) => _script.Enqueue(new Answer(status, headers, message));

    public void Reply(string from, string text) => _replies.Enqueue((from, text));

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
