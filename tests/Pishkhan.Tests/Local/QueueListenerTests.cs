using System.Collections.Concurrent;
using Pishkhan.Bindings;
using Pishkhan.Tests.Infrastructure;

namespace Pishkhan.Tests.Local;

/// <summary>The local host's queue listener follows the Functions queue-trigger semantics.</summary>
public sealed class QueueListenerTests
{
    private static async Task WaitUntilAsync(Func<Task<bool>> condition, int seconds = 20)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "Condition not met in time.");
            await Task.Delay(50);
        }
    }

    [Fact]
    public async Task AMessageThatAlwaysFailsMovesToThePoisonQueueAfterFiveAttempts()
    {
        var attempts = 0;
        var binding = new QueueBinding("AlwaysThrows", QueueNames.Inspections, (_, _) =>
        {
            Interlocked.Increment(ref attempts);
            throw new InvalidOperationException("boom");
        });
        await using var host = await TestHost.StartAsync(queues: [binding]);
        await host.Store.Queue(QueueNames.Inspections).SendMessageAsync("{\"id\":\"x\"}");

        var poison = host.Store.Queue(QueueNames.Inspections + "-poison");
        await WaitUntilAsync(async () => (await poison.PeekMessagesAsync(1)).Value.Length == 1);
        var moved = (await poison.PeekMessagesAsync(1)).Value[0];
        Assert.Equal("{\"id\":\"x\"}", moved.Body.ToString());
        Assert.Equal(5, attempts);
        Assert.Empty((await host.Store.Queue(QueueNames.Inspections).PeekMessagesAsync(1)).Value);
    }

    [Fact]
    public async Task ASuccessfulMessageIsHandledOnceAndDeleted()
    {
        var received = new ConcurrentBag<string>();
        var binding = new QueueBinding("Collects", QueueNames.Notifications, (message, _) =>
        {
            received.Add(message.ToString());
            return Task.CompletedTask;
        });
        await using var host = await TestHost.StartAsync(queues: [binding]);
        var queue = host.Store.Queue(QueueNames.Notifications);
        for (var i = 0; i < 40; i++) await queue.SendMessageAsync($"m{i}");

        await WaitUntilAsync(() => Task.FromResult(received.Count >= 40));
        // Each message is deleted after its handler returns: wait for the queue to empty (not a fixed delay: under
        // load, deletes of a batch still in flight lagged 300 ms), then check nothing ran twice meanwhile.
        await WaitUntilAsync(async () => (await queue.GetPropertiesAsync()).Value.ApproximateMessagesCount == 0);
        await Task.Delay(300);
        Assert.Equal(40, received.Count);
        Assert.Equal(40, received.Distinct().Count());
    }

    [Fact]
    public async Task AFailedMessageIsRetriedAndThenSucceeds()
    {
        var attempts = 0;
        var binding = new QueueBinding("FailsTwice", QueueNames.Notifications, (_, _) =>
            Interlocked.Increment(ref attempts) <= 2 ? throw new TimeoutException() : Task.CompletedTask);
        await using var host = await TestHost.StartAsync(queues: [binding]);
        await host.Store.Queue(QueueNames.Notifications).SendMessageAsync("retry me");

        await WaitUntilAsync(() => Task.FromResult(Volatile.Read(ref attempts) >= 3));
        await Task.Delay(300);
        Assert.Equal(3, attempts);
        Assert.Empty((await host.Store.Queue(QueueNames.Notifications + "-poison").PeekMessagesAsync(1)).Value);
    }

    [Fact]
    public async Task MessagesAreBase64OnTheWireAsTheFunctionsRuntimeExpects()
    {
        await using var host = await TestHost.StartAsync(queues: []);
        await host.Store.Queue(QueueNames.Notifications).SendMessageAsync("سلام");
        var raw = new Azure.Storage.Queues.QueueClient(
            (await Azurite.SharedAsync()).ConnectionString, host.Store.Names.Queue(QueueNames.Notifications));
        var peeked = (await raw.PeekMessagesAsync(1)).Value[0];
        Assert.Equal(Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes("سلام")), peeked.Body.ToString());
    }
}
