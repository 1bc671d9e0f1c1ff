using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Pishkhan.Tests.Infrastructure;

/// <summary>
/// One Azurite per test run, from the repo's node_modules (pinned in package.json), in memory, on free
/// loopback ports below the kernel's ephemeral range (<see cref="FreePorts"/>). Test hosts isolate themselves by a storage-name prefix, so tests run in parallel.
/// The outage tests stop and restart it on the same ports (<see cref="StopAsync"/>/<see cref="StartAsync"/>).
/// </summary>
public sealed class Azurite : IAsyncDisposable
{
    private static readonly Lazy<Task<Azurite>> Shared = new(() => StartNewAsync(inMemory: true));
    private Process? _process;
    private readonly string? _dataDirectory;
    private readonly bool _inMemory;

    public int BlobPort { get; private set; }
    public int QueuePort { get; private set; }
    public int TablePort { get; private set; }

    public string ConnectionString =>
        "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;" +
        $"BlobEndpoint=http://127.0.0.1:{BlobPort}/devstoreaccount1;QueueEndpoint=http://127.0.0.1:{QueuePort}/devstoreaccount1;TableEndpoint=http://127.0.0.1:{TablePort}/devstoreaccount1;";

    public string BlobEndpoint => $"http://127.0.0.1:{BlobPort}/devstoreaccount1";

    private Azurite(bool inMemory)
    {
        _inMemory = inMemory;
        (BlobPort, QueuePort, TablePort) = FreePorts();
        if (!inMemory) _dataDirectory = Directory.CreateTempSubdirectory("pishkhan-azurite-").FullName;
        AppDomain.CurrentDomain.ProcessExit += (_, _) => Kill();
    }

    public static Task<Azurite> SharedAsync() => Shared.Value;

    /// <summary>A private instance; with <paramref name="inMemory"/> false its data survives a stop/start.</summary>
    public static async Task<Azurite> StartNewAsync(bool inMemory)
    {
        var azurite = new Azurite(inMemory);
        // The ports were free when picked, but another process can take one before Azurite binds it (CI once saw Azurite
        // exit with code 1, EADDRINUSE, when the ports came from the ephemeral range). A first start may pick again.
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await azurite.StartAsync();
                return azurite;
            }
            catch (AzuriteExitedException) when (attempt < 3)
            {
                (azurite.BlobPort, azurite.QueuePort, azurite.TablePort) = FreePorts();
            }
        }
    }

    public async Task StartAsync()
    {
        var script = Path.Combine(RepoRoot.Path, "node_modules", "azurite", "dist", "src", "azurite.js");
        if (!File.Exists(script)) throw new InvalidOperationException($"Azurite is not installed at {script}: run 'npm ci' in the repo root (./test.sh does).");
        // --silent: no access log. Nobody reads it here, and writing a line per request to the pipe took 11–17 % of
        // Azurite's CPU in the benchmarks' profiles (node --cpu-prof), time the suite and every floor paid.
        var args = new List<string>
        {
            script, "--disableTelemetry", "--silent", "--skipApiVersionCheck", "--loose",
            "--blobHost", "127.0.0.1", "--blobPort", BlobPort.ToString(),
            "--queueHost", "127.0.0.1", "--queuePort", QueuePort.ToString(),
            "--tableHost", "127.0.0.1", "--tablePort", TablePort.ToString(),
        };
        if (_inMemory) args.Add("--inMemoryPersistence");
        else args.AddRange(["--location", _dataDirectory!]);
        var info = new ProcessStartInfo("node") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) info.ArgumentList.Add(a);
        _process = Process.Start(info) ?? throw new InvalidOperationException("Could not start node.");
        // Only what Azurite prints before it listens is kept: it says why a start failed (e.g. EADDRINUSE).
        var startOutput = new ConcurrentQueue<string>();
        _process.OutputDataReceived += (_, e) => { if (e.Data is not null && startOutput.Count < 50) startOutput.Enqueue(e.Data); };
        _process.ErrorDataReceived += (_, e) => { if (e.Data is not null && startOutput.Count < 50) startOutput.Enqueue(e.Data); };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();

        var deadline = DateTime.UtcNow.AddSeconds(30);
        foreach (var port in new[] { BlobPort, QueuePort, TablePort })
        {
            while (!await IsListeningAsync(port))
            {
                if (_process.HasExited)
                {
                    await _process.WaitForExitAsync(); // flushes the redirected output
                    throw new AzuriteExitedException($"Azurite exited with code {_process.ExitCode} on ports {BlobPort}/{QueuePort}/{TablePort}: {string.Join(" | ", startOutput)}");
                }
                if (DateTime.UtcNow > deadline) throw new TimeoutException("Azurite did not start within 30 s.");
                await Task.Delay(100);
            }
        }
    }

    /// <summary>Stops Azurite gracefully (SIGINT, so a persisted instance flushes its data), then forcibly after 10 s.</summary>
    public async Task StopAsync()
    {
        if (_process is { HasExited: false })
        {
            using (var signal = Process.Start("kill", ["-INT", _process.Id.ToString()])) await signal.WaitForExitAsync();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            try { await _process.WaitForExitAsync(timeout.Token); }
            catch (OperationCanceledException) { Kill(); }
        }
        if (_process is not null) await _process.WaitForExitAsync();
        _process = null;
    }

    private void Kill()
    {
        try { if (_process is { HasExited: false }) _process.Kill(entireProcessTree: true); }
        catch (InvalidOperationException) { }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        if (_dataDirectory is not null) try { Directory.Delete(_dataDirectory, true); } catch (IOException) { }
    }

    private static async Task<bool> IsListeningAsync(int port)
    {
        using var client = new TcpClient();
        try
        {
            await client.ConnectAsync(IPAddress.Loopback, port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    /// <summary>
    /// Three distinct free loopback ports below the kernel's ephemeral range, all held at once while picked. Below that
    /// range no outgoing connection of the suite can be given one of them as its local port, neither before Azurite
    /// binds it nor while an outage test has Azurite stopped (a restart must get the same ports back).
    /// </summary>
    private static (int Blob, int Queue, int Table) FreePorts()
    {
        var below = FirstEphemeralPort();
        var listeners = new List<TcpListener>();
        try
        {
            while (listeners.Count < 3)
            {
                var listener = new TcpListener(IPAddress.Loopback, Random.Shared.Next(below - 12000, below));
                try
                {
                    listener.Start();
                    listeners.Add(listener);
                }
                catch (SocketException) { } // in use: pick another
            }
            var ports = listeners.Select(l => ((IPEndPoint)l.LocalEndpoint).Port).ToArray();
            return (ports[0], ports[1], ports[2]);
        }
        finally
        {
            foreach (var listener in listeners) listener.Stop();
        }
    }

    /// <summary>The low end of Linux's ephemeral port range (32768 by default).</summary>
    private static int FirstEphemeralPort()
    {
        try
        {
            var range = File.ReadAllText("/proc/sys/net/ipv4/ip_local_port_range").Split((char[])[' ', '\t', '\n'], StringSplitOptions.RemoveEmptyEntries);
            var low = int.Parse(range[0], System.Globalization.CultureInfo.InvariantCulture);
            return low > 13000 ? low : 32768;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            return 32768;
        }
    }
}

public sealed class AzuriteExitedException(string message) : InvalidOperationException(message);

public static class RepoRoot
{
    public static string Path { get; } = Find();

    private static string Find()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(System.IO.Path.Combine(dir.FullName, "Pishkhan.Functions.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("Repo root not found.");
    }
}
