namespace Advisor.Host;

/// <summary>
/// <c>advisor healthcheck [--url URL]</c>: GETs the worker's <c>/healthz</c> and exits 0 when it answers 200, 1 otherwise.
/// The container's HEALTHCHECK uses it (the runtime image has no curl). Without --url the port comes from
/// ASPNETCORE_URLS, then ASPNETCORE_HTTP_PORTS, then 8080.
/// </summary>
internal static class HealthCheckCommand
{
    public static async Task<int> RunAsync(IReadOnlyList<string> args, TextWriter output, TextWriter error, Func<string, string?>? environment = null)
    {
        environment ??= Environment.GetEnvironmentVariable;
        string url;
        if (args.Count == 0)
        {
            url = DefaultUrl(environment);
        }
        else if (args.Count == 2 && args[0] == "--url" && Uri.TryCreate(args[1], UriKind.Absolute, out _))
        {
            url = args[1];
        }
        else
        {
            await error.WriteLineAsync("error: usage: advisor healthcheck [--url http://127.0.0.1:8080/healthz]").ConfigureAwait(false);
            return 2;
        }

        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        try
        {
            using var response = await http.GetAsync(url).ConfigureAwait(false);
            if (response.IsSuccessStatusCode)
            {
                await output.WriteLineAsync($"healthy: {url}").ConfigureAwait(false);
                return 0;
            }

            await error.WriteLineAsync($"unhealthy: {url} answered {(int)response.StatusCode}").ConfigureAwait(false);
            return 1;
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            await error.WriteLineAsync($"unhealthy: {url}: {ex.Message}").ConfigureAwait(false);
            return 1;
        }
    }

    /// <summary>http://127.0.0.1:PORT/healthz for the first HTTP URL or port the worker listens on.</summary>
    internal static string DefaultUrl(Func<string, string?> environment)
    {
        var port = 8080;
        var urls = environment("ASPNETCORE_URLS") ?? environment("URLS");
        var ports = environment("ASPNETCORE_HTTP_PORTS") ?? environment("HTTP_PORTS");
        if (!string.IsNullOrWhiteSpace(urls))
        {
            var first = urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .FirstOrDefault(u => u.StartsWith("http://", StringComparison.OrdinalIgnoreCase));
            // Wildcard hosts ("+", "*", "0.0.0.0") do not parse as URIs: swap the host out before parsing.
            if (first is not null
                && Uri.TryCreate(System.Text.RegularExpressions.Regex.Replace(first, "^http://[^:/]+", "http://127.0.0.1", System.Text.RegularExpressions.RegexOptions.IgnoreCase), UriKind.Absolute, out var uri))
            {
                port = uri.Port;
            }
        }
        else if (!string.IsNullOrWhiteSpace(ports) && int.TryParse(ports.Split(';', ',')[0].Trim(), out var p))
        {
            port = p;
        }

        return $"http://127.0.0.1:{port}/healthz";
    }
}
