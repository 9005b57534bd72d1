using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace Advisor.Storage.Tests;

/// <summary>
/// A PostgreSQL server for the tests, shared by the "postgres" collection: the one named by the environment variable
/// <c>ADVISOR_TEST_POSTGRES</c> (a connection string; <c>.ci/run</c> sets it after starting Debian's cluster), or else
/// a throwaway cluster started here with <c>initdb</c>/<c>pg_ctl</c> (as the <c>postgres</c> user when running as
/// root, since initdb refuses root). Each run gets its own database, dropped at the end (or, without the right to
/// create one, its own schemas in the given database); each test gets its own schema.
/// When no server can be had, <see cref="Unavailable"/> says why: the tests are then reported as skipped with that
/// reason — or fail, when <c>ADVISOR_REQUIRE_POSTGRES=1</c> (CI sets it, so a missing server can never pass as green).
/// </summary>
public sealed class PostgresServer : IAsyncLifetime
{
    public const string ConnectionVariable = "ADVISOR_TEST_POSTGRES";
    public const string RequireVariable = "ADVISOR_REQUIRE_POSTGRES";

    private readonly List<string> _schemas = [];
    private ThrowawayCluster? _cluster;
    private string? _adminConnectionString;
    private string? _database;

    /// <summary>Why PostgreSQL tests cannot run here, or null when they can.</summary>
    public string? Unavailable { get; private set; }

    /// <summary>Where the server came from ("ADVISOR_TEST_POSTGRES", "a throwaway cluster on port N").</summary>
    public string Source { get; private set; } = "";

    /// <summary>True when CI demands the PostgreSQL tests run.</summary>
    public static bool Required => Environment.GetEnvironmentVariable(RequireVariable) is "1" or "true";

    private string RunConnectionString => new NpgsqlConnectionStringBuilder(_adminConnectionString) { Database = _database ?? new NpgsqlConnectionStringBuilder(_adminConnectionString).Database, Pooling = false }.ToString();

    public async Task InitializeAsync()
    {
        var configured = Environment.GetEnvironmentVariable(ConnectionVariable);
        if (!string.IsNullOrWhiteSpace(configured))
        {
            _adminConnectionString = configured;
            Source = ConnectionVariable;
        }
        else
        {
            (_cluster, var problem) = await ThrowawayCluster.StartAsync();
            if (_cluster is null)
            {
                Unavailable = $"{ConnectionVariable} is not set and no throwaway cluster could be started: {problem}";
                return;
            }

            _adminConnectionString = _cluster.ConnectionString;
            Source = $"a throwaway cluster on port {_cluster.Port}";
        }

        try
        {
            await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(_adminConnectionString) { Pooling = false }.ToString());
            await connection.OpenAsync();
            var name = "advisor_test_" + Guid.NewGuid().ToString("N")[..12];
            try
            {
                await using var create = new NpgsqlCommand($"CREATE DATABASE {name}", connection);
                await create.ExecuteNonQueryAsync();
                _database = name;
            }
            catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.InsufficientPrivilege)
            {
                // No CREATEDB: use the given database, one schema per test (dropped at the end).
            }
        }
        catch (Exception ex) when (ex is NpgsqlException or InvalidOperationException or ArgumentException)
        {
            Unavailable = $"cannot connect to PostgreSQL ({Source}): {ex.Message}";
        }
    }

    /// <summary>A connection string to a new, empty schema of this run's database.</summary>
    public async Task<string> NewSchemaAsync()
    {
        var schema = "t_" + Guid.NewGuid().ToString("N")[..16];
        await using (var connection = new NpgsqlConnection(RunConnectionString))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand($"CREATE SCHEMA {schema}", connection);
            await command.ExecuteNonQueryAsync();
        }

        lock (_schemas)
        {
            _schemas.Add(schema);
        }

        return new NpgsqlConnectionStringBuilder(RunConnectionString) { SearchPath = schema, Pooling = true }.ToString();
    }

    public async Task DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        try
        {
            if (_adminConnectionString is not null && _database is not null)
            {
                await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(_adminConnectionString) { Pooling = false }.ToString());
                await connection.OpenAsync();
                await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS {_database} WITH (FORCE)", connection);
                await drop.ExecuteNonQueryAsync();
            }
            else if (_adminConnectionString is not null && Unavailable is null)
            {
                await using var connection = new NpgsqlConnection(RunConnectionString);
                await connection.OpenAsync();
                foreach (var schema in _schemas)
                {
                    await using var drop = new NpgsqlCommand($"DROP SCHEMA IF EXISTS {schema} CASCADE", connection);
                    await drop.ExecuteNonQueryAsync();
                }
            }
        }
        finally
        {
            if (_cluster is not null)
            {
                await _cluster.DisposeAsync();
            }
        }
    }
}

/// <summary>A PostgreSQL cluster in a temp folder on a free loopback port, for one test run.</summary>
internal sealed class ThrowawayCluster : IAsyncDisposable
{
    private readonly string _folder;
    private readonly string _pgCtl;
    private readonly bool _asPostgresUser;

    private ThrowawayCluster(string folder, string pgCtl, bool asPostgresUser, int port)
    {
        _folder = folder;
        _pgCtl = pgCtl;
        _asPostgresUser = asPostgresUser;
        Port = port;
    }

    public int Port { get; }

    public string ConnectionString => $"Host=127.0.0.1;Port={Port};Username=advisor;Database=postgres";

    private string DataFolder => Path.Combine(_folder, "data");

    public static async Task<(ThrowawayCluster? Cluster, string? Problem)> StartAsync()
    {
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS())
        {
            return (null, "throwaway clusters are only tried on Linux and macOS");
        }

        var bin = FindBin();
        if (bin is null)
        {
            return (null, "initdb and pg_ctl are not on PATH nor under /usr/lib/postgresql/*/bin");
        }

        var asPostgresUser = Environment.UserName == "root";
        if (asPostgresUser && (!File.Exists("/etc/passwd") || !File.ReadLines("/etc/passwd").Any(l => l.StartsWith("postgres:", StringComparison.Ordinal)) || Which("runuser") is null))
        {
            return (null, "running as root (initdb refuses root) and there is no 'postgres' user and runuser to run it as");
        }

        var folder = Path.Combine(Path.GetTempPath(), "advisor-pg-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(folder);
        try
        {
            if (asPostgresUser)
            {
                var (chown, output) = await RunAsync("chown", ["postgres", folder], asPostgres: false);
                if (chown != 0)
                {
                    return Fail($"chown postgres {folder} failed: {output}");
                }
            }

            var initdb = Path.Combine(bin, "initdb");
            var pgCtl = Path.Combine(bin, "pg_ctl");
            var (code, log) = await RunAsync(initdb, ["-D", Path.Combine(folder, "data"), "-U", "advisor", "-A", "trust", "-E", "UTF8", "--no-sync", "--locale=C"], asPostgresUser);
            if (code != 0)
            {
                return Fail($"initdb failed ({code}): {Last(log)}");
            }

            var port = FreePort();
            var cluster = new ThrowawayCluster(folder, pgCtl, asPostgresUser, port);
            (code, log) = await RunAsync(pgCtl, ["-D", cluster.DataFolder, "-l", Path.Combine(folder, "server.log"), "-w", "-t", "120",
                "-o", $"-p {port} -k {folder} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off", "start"], asPostgresUser);
            if (code != 0)
            {
                var serverLog = Path.Combine(folder, "server.log");
                return Fail($"pg_ctl start failed ({code}): {Last(log)} {(File.Exists(serverLog) ? Last(await File.ReadAllTextAsync(serverLog)) : "")}");
            }

            return (cluster, null);
        }
        catch (Exception ex) when (ex is IOException or System.ComponentModel.Win32Exception or UnauthorizedAccessException)
        {
            return Fail(ex.Message);
        }

        (ThrowawayCluster?, string?) Fail(string problem)
        {
            TryDelete(folder);
            return (null, problem);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await RunAsync(_pgCtl, ["-D", DataFolder, "-m", "immediate", "-w", "-t", "60", "stop"], _asPostgresUser);
        TryDelete(_folder);
    }

    private static string? FindBin()
    {
        if (Which("initdb") is { } initdb && Which("pg_ctl") is not null)
        {
            return Path.GetDirectoryName(Path.GetFullPath(ResolveLink(initdb)));
        }

        const string debian = "/usr/lib/postgresql";
        return Directory.Exists(debian)
            ? Directory.GetDirectories(debian).Select(d => Path.Combine(d, "bin"))
                .Where(b => File.Exists(Path.Combine(b, "initdb")) && File.Exists(Path.Combine(b, "pg_ctl")))
                .OrderByDescending(b => int.TryParse(Path.GetFileName(Path.GetDirectoryName(b)), out var v) ? v : 0)
                .FirstOrDefault()
            : null;
    }

    private static string ResolveLink(string path) => File.ResolveLinkTarget(path, returnFinalTarget: true)?.FullName ?? path;

    private static string? Which(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Append("/usr/sbin").Append("/sbin")
            .Select(dir => Path.Combine(dir, name))
            .FirstOrDefault(File.Exists);

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static async Task<(int Code, string Output)> RunAsync(string file, IReadOnlyList<string> args, bool asPostgres)
    {
        var start = new ProcessStartInfo(asPostgres ? Which("runuser")! : file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetTempPath(),
        };
        if (asPostgres)
        {
            foreach (var a in new[] { "-u", "postgres", "--", file })
            {
                start.ArgumentList.Add(a);
            }
        }

        foreach (var a in args)
        {
            start.ArgumentList.Add(a);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            return (-1, "timed out");
        }

        return (process.ExitCode, (await stdout) + (await stderr));
    }

    private static string Last(string text) => text.Length > 600 ? "…" + text[^600..] : text.Trim();

    private static void TryDelete(string folder)
    {
        try
        {
            Directory.Delete(folder, recursive: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // a temp folder left behind is not worth failing a test run for
        }
    }
}
