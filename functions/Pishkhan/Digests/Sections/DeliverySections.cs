using Azure.Storage.Queues.Models;
using Pishkhan.Bindings;
using Pishkhan.Calendar;
using Pishkhan.Notifications;
using Pishkhan.Notifications.Templates;
using Pishkhan.Storage;

namespace Pishkhan.Digests.Sections;

/// <summary>
/// Notifications that failed for good in the last seven days (the provider refused them, or their data
/// could not be rendered), from the OutboxFailures index. Province digests only: it is the secretariat's
/// housekeeping, not a county's.
/// </summary>
public sealed class FailedNotificationsSection(Outbox outbox) : IDigestSection
{
    public string Title => "اعلان‌های ناموفق هفته‌ی گذشته";
    public int Order => 900;

    public async Task<DigestBlock?> BuildAsync(DigestScope scope, JalaliPeriod period, CancellationToken cancellationToken)
    {
        if (!scope.IsProvince) return null;
        var failures = (await outbox.FailuresSinceAsync(scope.Province, scope.AsOf.AddDays(-7), cancellationToken))
            .OrderByDescending(f => f.FailedAt).ToList();
        if (failures.Count == 0) return null;
        var summary = $"{Fa.Number(failures.Count)} اعلان در هفت روز گذشته فرستاده نشد. نشانی گیرنده یا تنظیمات فرستنده را بررسی کنید.";
        return DigestBlock.Table(summary, ["نوع", "خطا", "زمان"],
            failures.Select(f => (IReadOnlyList<string>)[Kind(f), Short(f.Error), Fa.DateTime(f.FailedAt)]));
    }

    /// <summary>"رسید شکایت" for mail, "پیامک رسید شکایت" for an SMS.</summary>
    private static string Kind(OutboxFailureEntity f) =>
        f.Channel == OutboxChannel.Sms ? "پیامک " + NotificationKinds.PersianName(f.Kind) : NotificationKinds.PersianName(f.Kind);

    private static string Short(string error) => error.Length <= 80 ? error : error[..80] + "…";
}

/// <summary>
/// Messages in the poison queues: work that failed on every retry and waits for someone to look. Counts
/// come from the queue properties (approximate); the oldest message's age from a peek. For the
/// notifications queue the peeked ids are looked up to say how many are this province's.
/// </summary>
public sealed class PoisonMessagesSection(Store store, Outbox outbox) : IDigestSection
{
    public string Title => "پیام‌های معیوب صف‌ها";
    public int Order => 910;

    public async Task<DigestBlock?> BuildAsync(DigestScope scope, JalaliPeriod period, CancellationToken cancellationToken)
    {
        if (!scope.IsProvince) return null;
        var queues = QueueNames.All.Order(StringComparer.Ordinal).ToList();
        var rows = new List<IReadOnlyList<string>>();
        var total = 0;
        foreach (var name in queues)
        {
            var poison = store.Queue(name + "-poison");
            if (!(await poison.ExistsAsync(cancellationToken)).Value) continue;
            var count = (await poison.GetPropertiesAsync(cancellationToken)).Value.ApproximateMessagesCount;
            if (count == 0) continue;
            PeekedMessage[] peeked = (await poison.PeekMessagesAsync(32, cancellationToken)).Value;
            var oldest = peeked.Select(m => m.InsertedOn).Where(t => t is not null).Min();
            var ours = name == QueueNames.Notifications ? await CountOursAsync(scope.Province, peeked, cancellationToken) : (int?)null;
            total += count;
            rows.Add([name + "-poison", Fa.Number(count) + (ours is { } n ? $" (این استان: {Fa.Number(n)}{(peeked.Length < count ? "+" : "")})" : ""),
                oldest is { } t ? Fa.DateTime(t) : "—"]);
        }
        if (total == 0) return null;
        return DigestBlock.Table($"{Fa.Number(total)} پیام پس از همه‌ی تلاش‌ها به صف پیام‌های معیوب رفته است و بررسی فنی می‌خواهد.",
            ["صف", "تعداد", "قدیمی‌ترین"], rows);
    }

    private async Task<int> CountOursAsync(string province, PeekedMessage[] peeked, CancellationToken cancellationToken)
    {
        var n = 0;
        foreach (var m in peeked)
        {
            List<string> ids;
            try { ids = [.. NotificationSender.ParseIds(m.Body)]; }
            catch (FormatException) { continue; }
            foreach (var id in ids)
                if ((await outbox.GetAsync(id, cancellationToken))?.Province == province) n++;
        }
        return n;
    }
}
