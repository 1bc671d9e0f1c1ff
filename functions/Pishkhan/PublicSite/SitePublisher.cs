using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Pishkhan.Http;
using Pishkhan.Storage;

namespace Pishkhan.PublicSite;

/// <summary>
/// Where the public site and the published reports are read. Both live in the static website container
/// <c>$web</c>: the site's pages at its root (under the storage-name prefix in tests), reports under
/// <c>rankings/</c>. <c>Pishkhan__PublicSiteUrl</c> names the site's public address (in Azure the static
/// website endpoint); without it, the reports' base URL (<c>Pishkhan__PublicReportBaseUrl</c>, the same
/// container's public address), else the <c>$web</c> container's blob URL, which Azurite serves locally.
/// The messages' links are built from <see cref="SiteUrl"/> too, so they open the pages that were published.
/// </summary>
public sealed class SiteLocation(Store store, PishkhanSettings settings)
{
    public const string Container = "$web";

    private string WebContainerUrl => $"{store.Blobs.Uri.ToString().TrimEnd('/')}/{Container}";

    private string Prefix => store.Names.NamePrefix.Length == 0 ? "" : store.Names.NamePrefix.ToLowerInvariant() + "/";

    /// <summary>The site's base URL, no trailing slash: pages are {SiteUrl}/track.html and so on.</summary>
    public string SiteUrl => settings.PublicSiteUrl ?? WebRootUrl + (Prefix.Length == 0 ? "" : "/" + Prefix.TrimEnd('/'));

    private string WebRootUrl => settings.PublicReportBaseUrl?.TrimEnd('/') ?? WebContainerUrl;

    /// <summary>The one origin a browser may call the API from (CORS): scheme, host and port of <see cref="SiteUrl"/>.</summary>
    public string Origin => new Uri(SiteUrl).GetLeftPart(UriPartial.Authority);

    /// <summary>CORS: the methods the site's pages and the console send (DELETE revokes a key; nothing sends PUT or PATCH).</summary>
    public static readonly string[] CorsMethods = ["GET", "POST", "DELETE"];

    /// <summary>CORS: the request headers they send beyond the safelisted ones: the console's key and its idempotency keys.</summary>
    public static readonly string[] CorsHeaders = ["Content-Type", "X-Api-Key", "Idempotency-Key"];

    /// <summary>A blob path inside $web (reports' paths already carry the prefix) as a public URL.</summary>
    public string ReportUrl(string blobPath) => $"{WebRootUrl}/{blobPath.TrimStart('/')}";

    /// <summary>The blob name of a site file.</summary>
    public string BlobName(string file) => Prefix + file;
}

public sealed record SitePublication(string SiteUrl, int Uploaded, int Unchanged);

/// <summary>
/// Publishes the public site (the files under PublicSite/wwwroot, embedded in this assembly) to <c>$web</c>,
/// with a generated <c>config.js</c> naming the API's base URL. Idempotent: a file whose content, type and
/// cache header are already there is not uploaded again (the blob's Content-MD5 is compared), so every
/// instance may run it at start-up. Pages and config.js are revalidated on every visit (no-cache, the blob
/// ETag answers 304); styles and scripts are cached for five minutes.
/// </summary>
public sealed class SitePublisher(Store store, SiteLocation location, ILogger<SitePublisher> logger)
{
    private const string ResourcePrefix = "site/";

    /// <summary>The site's own files, by name (index.html, site.css …), from the assembly's embedded resources.</summary>
    public static IReadOnlyDictionary<string, byte[]> Files { get; } = LoadFiles();

    public static readonly string[] Pages = ["index.html", "complain.html", "track.html", "rate.html", "offices.html",
        "console/index.html", "console/complaints.html", "console/case.html", "console/inspect.html", "console/sanctions.html",
        "console/board.html", "console/admin.html", "console/office.html"];

    public async Task<SitePublication> PublishAsync(string apiBaseUrl, CancellationToken cancellationToken = default)
    {
        var container = store.Blobs.GetBlobContainerClient(SiteLocation.Container);
        var files = Files.ToDictionary(f => f.Key, f => f.Value, StringComparer.Ordinal);
        files["config.js"] = ConfigScript(apiBaseUrl);
        var uploaded = 0;
        foreach (var (name, content) in files.OrderBy(f => f.Key, StringComparer.Ordinal))
            if (await UploadIfChangedAsync(container.GetBlobClient(location.BlobName(name)), content, ContentType(name), CacheControl(name), cancellationToken))
                uploaded++;
        logger.LogInformation("Public site published: {Uploaded} files uploaded, {Unchanged} unchanged", uploaded, files.Count - uploaded);
        return new SitePublication(location.SiteUrl, uploaded, files.Count - uploaded);
    }

    /// <summary>config.js: the API's base URL and the provinces, for the pages' scripts. JSON, so no value can break out of it.</summary>
    public static byte[] ConfigScript(string apiBaseUrl)
    {
        var config = new
        {
            apiBaseUrl = apiBaseUrl.TrimEnd('/'),
            provinces = Provinces.Names.OrderBy(p => p.Value, StringComparer.Ordinal).Select(p => new { code = p.Key, name = p.Value }),
        };
        return Encoding.UTF8.GetBytes($"window.PISHKHAN_CONFIG = {JsonSerializer.Serialize(config)};\n");
    }

    public static string ContentType(string name) => Path.GetExtension(name) switch
    {
        ".html" => "text/html; charset=utf-8",
        ".css" => "text/css; charset=utf-8",
        ".js" => "text/javascript; charset=utf-8",
        ".svg" => "image/svg+xml",
        ".txt" => "text/plain; charset=utf-8",
        var other => throw new InvalidOperationException($"No content type for {other} files of the public site."),
    };

    public static string CacheControl(string name) =>
        name.EndsWith(".html", StringComparison.Ordinal) || name == "config.js" ? "no-cache" : "public, max-age=300";

    private static async Task<bool> UploadIfChangedAsync(BlobClient blob, byte[] content, string contentType, string cacheControl, CancellationToken cancellationToken)
    {
        var md5 = MD5.HashData(content);
        try
        {
            var current = (await blob.GetPropertiesAsync(cancellationToken: cancellationToken)).Value;
            if (current.ContentHash is { } hash && hash.AsSpan().SequenceEqual(md5) && current.ContentType == contentType && current.CacheControl == cacheControl)
                return false;
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
        }
        await blob.UploadAsync(new BinaryData(content), new BlobUploadOptions
        {
            HttpHeaders = new BlobHttpHeaders { ContentType = contentType, CacheControl = cacheControl, ContentHash = md5 },
        }, cancellationToken);
        return true;
    }

    private static Dictionary<string, byte[]> LoadFiles()
    {
        var assembly = typeof(SitePublisher).Assembly;
        var files = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        foreach (var resource in assembly.GetManifestResourceNames().Where(n => n.StartsWith(ResourcePrefix, StringComparison.Ordinal)))
        {
            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var buffer = new MemoryStream();
            stream.CopyTo(buffer);
            files[resource[ResourcePrefix.Length..]] = buffer.ToArray();
        }
        return files;
    }
}

/// <summary>
/// The Functions app publishes the site when an instance starts (the local host does it in its Program.cs with the
/// address it listens on). In the background and retried, so storage that is slow to answer never delays start-up.
/// </summary>
public sealed class SitePublishAtStart(SitePublisher publisher, PishkhanSettings settings, ILogger<SitePublishAtStart> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        for (var attempt = 1; attempt <= 10 && !stoppingToken.IsCancellationRequested; attempt++)
        {
            try
            {
                await publisher.PublishAsync(settings.PublicBaseUrl + "/api", stoppingToken);
                return;
            }
            catch (Exception e) when (HttpGateway.IsStorageUnavailable(e, stoppingToken) || e is RequestFailedException)
            {
                logger.LogWarning("Publishing the public site failed (attempt {Attempt}): {Reason}", attempt, e.GetType().Name);
                await Task.Delay(TimeSpan.FromSeconds(5 * attempt), stoppingToken);
            }
        }
    }
}
