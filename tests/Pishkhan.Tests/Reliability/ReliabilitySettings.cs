namespace Pishkhan.Tests.Reliability;

/// <summary>Settings every reliability host shares: public rate limits out of the way, digests configured, mail to a pickup folder of its own.</summary>
public static class ReliabilitySettings
{
    public const string SigningKey = "reliability-unsubscribe-signing-key-0123456789";

    public static Dictionary<string, string?> For(string pickupDirectory, params (string Key, string Value)[] extra)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Pishkhan:Complaints:FilingsPerClient"] = "1000000",
            ["Pishkhan:Complaints:FollowUpsPerClient"] = "1000000",
            ["Pishkhan:UnsubscribeSigningKey"] = SigningKey,
            ["Pishkhan:Outbox:PickupDirectory"] = pickupDirectory,
            ["Pishkhan:Sms:PickupDirectory"] = Path.Combine(pickupDirectory, "sms"),
        };
        foreach (var (key, value) in extra) settings[key] = value;
        return settings;
    }

    public static string NewPickupDirectory() => Directory.CreateTempSubdirectory("pishkhan-reliability-mail-").FullName;
}

/// <summary>
/// A pickup directory deleted on dispose. Declare it before the host: the host is then disposed first, so no
/// sender is still writing a file into it while it is deleted ("Directory not empty" failed a test that deleted it
/// with the host running).
/// </summary>
public sealed class PickupScratch : IDisposable
{
    public string Path { get; } = ReliabilitySettings.NewPickupDirectory();

    public void Dispose() => Directory.Delete(Path, recursive: true);
}
