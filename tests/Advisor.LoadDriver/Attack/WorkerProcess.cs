using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Advisor.LoadDriver.Attack;

/// <summary>
/// <c>advisor serve</c> as a separate process on loopback, as an operator runs it: its memory is its own (read from
/// /proc), and it is stopped with a real SIGTERM.
/// </summary>
internal sealed class WorkerProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly List<string> _output = [];
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, long> _counted = new(StringComparer.Ordinal);

    private WorkerProcess(Process process, Uri baseAddress)
    {
        _process = process;
        BaseAddress = baseAddress;
    }

    public Uri BaseAddress { get; }

    /// <summary>Bytes the worker has written to stdout and stderr so far (UTF-8, one newline per line).</summary>
    public long OutputBytes { get; private set; }

    public int Pid => _process.Id;

    public bool HasExited => _process.HasExited;

    /// <summary>The last lines the worker wrote (stdout and stderr).</summary>
    public IReadOnlyList<string> Output
    {
        get
        {
            lock (_output)
            {
                return [.. _output];
            }
        }
    }

    /// <summary>How many lines the worker wrote that contain <paramref name="fragment"/> (one of those given to <see cref="StartAsync"/>).</summary>
    public long Counted(string fragment) => _counted.GetValueOrDefault(fragment);

    /// <summary>
    /// Starts the worker with these settings (environment variables, <c>Advisor__Slack__BotToken</c> style) and waits for
    /// /healthz. The lines containing one of <paramref name="counted"/> are counted all along (<see cref="Counted"/>).
    /// </summary>
    public static async Task<WorkerProcess> StartAsync(IReadOnlyDictionary<string, string> settings, TimeSpan timeout, IReadOnlyList<string>? counted = null)
    {
        var port = FreePort();
        var start = new ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "advisor.dll"), "serve", "--urls", $"http://127.0.0.1:{port}"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        foreach (var (key, value) in settings)
        {
            start.Environment[key] = value;
        }

        start.Environment["DOTNET_gcServer"] = "0";
        var process = Process.Start(start) ?? throw new InvalidOperationException("could not start the worker");
        var worker = new WorkerProcess(process, new Uri($"http://127.0.0.1:{port}"));
        foreach (var fragment in counted ?? [])
        {
            worker._counted[fragment] = 0;
        }
        process.OutputDataReceived += (_, e) => worker.Keep(e.Data);
        process.ErrorDataReceived += (_, e) => worker.Keep(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        using var http = new HttpClient { BaseAddress = worker.BaseAddress, Timeout = TimeSpan.FromSeconds(2) };
        var until = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < until && !process.HasExited)
        {
            try
            {
                using var health = await http.GetAsync("/healthz").ConfigureAwait(false);
                if (health.IsSuccessStatusCode)
                {
                    return worker;
                }
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException)
            {
            }

            await Task.Delay(100).ConfigureAwait(false);
        }

        await worker.DisposeAsync().ConfigureAwait(false);
        throw new InvalidOperationException("the worker did not become healthy:\n" + string.Join('\n', worker.Output.TakeLast(30)));
    }

    /// <summary>Resident memory now, in bytes (VmRSS).</summary>
    public long RssBytes() => Status("VmRSS:");

    /// <summary>The most resident memory the process has had, in bytes (VmHWM).</summary>
    public long PeakRssBytes() => Status("VmHWM:");

    /// <summary>Sends SIGTERM, as <c>docker stop</c> or Kubernetes do.</summary>
    public void Terminate()
    {
        using var kill = Process.Start(new ProcessStartInfo("kill", ["-TERM", _process.Id.ToString(CultureInfo.InvariantCulture)]) { UseShellExecute = false })
            ?? throw new InvalidOperationException("could not run kill");
        kill.WaitForExit();
        if (kill.ExitCode != 0)
        {
            throw new InvalidOperationException($"kill -TERM {_process.Id} failed with {kill.ExitCode}");
        }
    }

    /// <summary>Sends SIGKILL: the process ends at once, releasing nothing (a lost node, the OOM killer).</summary>
    public void KillHard() => _process.Kill(entireProcessTree: false);

    /// <summary>Waits for the process to end; false when it did not within the timeout.</summary>
    public async Task<bool> WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cts.Token).ConfigureAwait(false);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    public int ExitCode => _process.ExitCode;

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync().ConfigureAwait(false);
        }

        _process.Dispose();
    }

    private long Status(string field)
    {
        var path = $"/proc/{_process.Id}/status";
        if (_process.HasExited || !File.Exists(path))
        {
            return 0;
        }

        foreach (var line in File.ReadLines(path))
        {
            if (line.StartsWith(field, StringComparison.Ordinal))
            {
                var kb = line[field.Length..].Trim().Split(' ')[0];
                return long.Parse(kb, CultureInfo.InvariantCulture) * 1024;
            }
        }

        return 0;
    }

    private void Keep(string? line)
    {
        if (line is null)
        {
            return;
        }

        foreach (var fragment in _counted.Keys)
        {
            if (line.Contains(fragment, StringComparison.Ordinal))
            {
                _counted.AddOrUpdate(fragment, 1, (_, n) => n + 1);
            }
        }

        lock (_output)
        {
            OutputBytes += System.Text.Encoding.UTF8.GetByteCount(line) + 1;
            _output.Add(line);
            if (_output.Count > 500)
            {
                _output.RemoveAt(0);
            }
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
