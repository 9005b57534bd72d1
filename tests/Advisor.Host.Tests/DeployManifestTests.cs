using System.Reflection;
using System.Text.RegularExpressions;
using Advisor.Testing;
using k8s;
using k8s.Models;
using YamlDotNet.RepresentationModel;

namespace Advisor.Host.Tests;

/// <summary>
/// The deploy files under <c>deploy/</c> (docs/deploy.md), checked without a cluster or Docker: the Kubernetes
/// manifests load strictly into the Kubernetes API models (an unknown or misspelled field fails), agree with each other
/// and with the image (port, probes on the endpoints the host serves, a grace period longer than the drain), and every
/// <c>Advisor__…</c> variable in them, and in the compose file, names a setting that exists.
/// </summary>
public sealed partial class DeployManifestTests
{
    private static readonly string Deploy = Path.Combine(RepoPaths.RepoRoot(), "deploy");

    private static List<object> Kubernetes() =>
        Directory.GetFiles(Path.Combine(Deploy, "k8s"), "*.yaml").Order(StringComparer.Ordinal)
            .SelectMany(f => KubernetesYaml.LoadAllFromString(File.ReadAllText(f), strict: true)).ToList();

    [Fact]
    public void Every_manifest_loads_strictly_into_the_kubernetes_models()
    {
        var kinds = Kubernetes().Select(o => ((IKubernetesObject)o).Kind).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(["Deployment", "Ingress", "Ingress", "PodDisruptionBudget", "Secret", "Service"], kinds);
    }

    [Fact]
    public void The_ingresses_route_the_platforms_endpoints_to_the_service_and_pass_failed_requests_on_only_where_safe()
    {
        var objects = Kubernetes();
        var service = objects.OfType<V1Service>().Single();
        var ingresses = objects.OfType<V1Ingress>().ToList();
        foreach (var path in ingresses.SelectMany(i => i.Spec.Rules.Single().Http.Paths))
        {
            Assert.Equal(service.Metadata.Name, path.Backend.Service.Name);
            Assert.Contains(service.Spec.Ports, p => p.Name == path.Backend.Service.Port.Name);
        }

        string[] Retry(V1Ingress ingress) => ingress.Metadata.Annotations["nginx.ingress.kubernetes.io/proxy-next-upstream"].Split(' ');
        var discord = ingresses.Single(i => i.Spec.Rules.Single().Http.Paths.Any(p => p.Path == Discord.DiscordEndpoints.InteractionsPath && p.PathType == "Exact"));
        var slack = ingresses.Single(i => i.Spec.Rules.Single().Http.Paths.Any(p => p.Path == "/slack" && p.PathType == "Prefix"));
        Assert.NotSame(discord, slack);

        // Discord never resends an interaction, and one is taken once across replicas by its id: pass it on after any error.
        Assert.Contains("error", Retry(discord));
        Assert.Contains("non_idempotent", Retry(discord));

        // Slash commands are not taken once by an id: a request a replica may have read is not sent again.
        Assert.Contains("error", Retry(slack));
        Assert.DoesNotContain("non_idempotent", Retry(slack));
    }

    [Fact]
    public void A_misspelled_field_is_caught_by_the_strict_reading()
    {
        var yaml = File.ReadAllText(Path.Combine(Deploy, "k8s", "pdb.yaml")).Replace("maxUnavailable", "maxUnavailabel", StringComparison.Ordinal);
        Assert.ThrowsAny<Exception>(() => KubernetesYaml.LoadAllFromString(yaml, strict: true));
    }

    [Fact]
    public void The_deployment_runs_several_replicas_that_the_service_and_the_budget_select()
    {
        var objects = Kubernetes();
        var deployment = objects.OfType<V1Deployment>().Single();
        var labels = deployment.Spec.Template.Metadata.Labels;
        Assert.True(deployment.Spec.Replicas >= 2, "a zero-downtime deploy needs at least two replicas");
        Assert.Equal(0, int.Parse(deployment.Spec.Strategy.RollingUpdate.MaxUnavailable.Value, System.Globalization.CultureInfo.InvariantCulture));
        Assert.True(Selects(deployment.Spec.Selector.MatchLabels, labels), "the Deployment's selector matches its pods");
        Assert.True(Selects(objects.OfType<V1Service>().Single().Spec.Selector, labels), "the Service selects the pods");
        var budget = objects.OfType<V1PodDisruptionBudget>().Single();
        Assert.True(Selects(budget.Spec.Selector.MatchLabels, labels), "the PodDisruptionBudget selects the pods");
    }

    [Fact]
    public void Probes_use_the_hosts_health_endpoints_on_the_images_port_and_the_grace_period_outlasts_the_drain()
    {
        var deployment = Kubernetes().OfType<V1Deployment>().Single();
        var container = deployment.Spec.Template.Spec.Containers.Single();
        var port = Assert.Single(container.Ports);
        Assert.Equal(ImagePort(), port.ContainerPort);

        Assert.Equal("/readyz", container.ReadinessProbe.HttpGet.Path);
        Assert.Equal("/healthz", container.LivenessProbe.HttpGet.Path);
        foreach (var probe in new[] { container.ReadinessProbe, container.LivenessProbe, container.StartupProbe })
        {
            Assert.Equal(port.Name, probe.HttpGet.Port.Value);
        }

        var served = HostPaths();
        Assert.Contains("/readyz", served);
        Assert.Contains("/healthz", served);

        var drain = int.Parse(container.Env.Single(e => e.Name == "Advisor__Host__ShutdownTimeoutSeconds").Value, System.Globalization.CultureInfo.InvariantCulture);
        var preStop = container.Lifecycle.PreStop.Sleep.Seconds;
        Assert.True(deployment.Spec.Template.Spec.TerminationGracePeriodSeconds > preStop + drain,
            $"terminationGracePeriodSeconds ({deployment.Spec.Template.Spec.TerminationGracePeriodSeconds}) must exceed preStop ({preStop}) + the drain ({drain})");
    }

    [Fact]
    public void Secret_references_name_keys_the_example_secret_has()
    {
        var objects = Kubernetes();
        var secret = objects.OfType<V1Secret>().Single();
        var container = objects.OfType<V1Deployment>().Single().Spec.Template.Spec.Containers.Single();
        foreach (var reference in container.Env.Where(e => e.ValueFrom?.SecretKeyRef is not null).Select(e => e.ValueFrom.SecretKeyRef))
        {
            Assert.Equal(secret.Metadata.Name, reference.Name);
            Assert.True(secret.StringData.ContainsKey(reference.Key), $"the example Secret has no key '{reference.Key}'");
        }
    }

    [Fact]
    public void Every_advisor_variable_in_the_manifests_and_the_compose_file_is_a_real_setting()
    {
        var container = Kubernetes().OfType<V1Deployment>().Single().Spec.Template.Spec.Containers.Single();
        var names = container.Env.Select(e => e.Name).Concat(ComposeService("advisor").Environment.Keys).Where(n => n.StartsWith("Advisor__", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(names);
        var unknown = names.Where(n => !Settings.Exists(n)).ToList();
        Assert.True(unknown.Count == 0, "not a setting: " + string.Join(", ", unknown));
        Assert.False(Settings.Exists("Advisor__Data__UserHashSlat")); // the check itself tells a typo
    }

    [Fact]
    public void The_compose_file_wires_replicas_to_healthy_redis_and_postgres_and_waits_out_the_drain()
    {
        var advisor = ComposeService("advisor");
        Assert.True(int.Parse(advisor.Node("deploy", "replicas"), System.Globalization.CultureInfo.InvariantCulture) >= 2);
        foreach (var dependency in new[] { "redis", "postgres" })
        {
            Assert.Equal("service_healthy", advisor.Node("depends_on", dependency, "condition"));
            Assert.NotEmpty(ComposeService(dependency).Sequence("healthcheck", "test"));
        }

        Assert.Equal(ImagePort().ToString(System.Globalization.CultureInfo.InvariantCulture), advisor.Sequence("ports").Single());
        var grace = TimeSpan.FromSeconds(int.Parse(advisor.Node("stop_grace_period").TrimEnd('s'), System.Globalization.CultureInfo.InvariantCulture));
        var drain = TimeSpan.FromSeconds(int.Parse(advisor.Environment["Advisor__Host__ShutdownTimeoutSeconds"], System.Globalization.CultureInfo.InvariantCulture));
        Assert.True(grace > drain, "stop_grace_period must outlast the drain");
        Assert.Equal(["CMD", "/app/advisor", "healthcheck"], advisor.Sequence("healthcheck", "test"));
    }

    private static bool Selects(IDictionary<string, string> selector, IDictionary<string, string> labels) =>
        selector.Count > 0 && selector.All(p => labels.TryGetValue(p.Key, out var v) && v == p.Value);

    /// <summary>The port the image listens on (the Dockerfile's ASPNETCORE_HTTP_PORTS).</summary>
    private static int ImagePort()
    {
        var match = HttpPorts().Match(File.ReadAllText(Path.Combine(RepoPaths.RepoRoot(), "Dockerfile")));
        Assert.True(match.Success, "the Dockerfile sets ASPNETCORE_HTTP_PORTS");
        return int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>The GET paths the host's operations endpoints map (read from the source, so a renamed endpoint fails here).</summary>
    private static HashSet<string> HostPaths()
    {
        var source = File.ReadAllText(Path.Combine(RepoPaths.RepoRoot(), "src", "Advisor.Host", "Operations", "OperationsEndpoints.cs"));
        return [.. MapGet().Matches(source).Select(m => m.Groups[1].Value)];
    }

    private static ComposeNode ComposeService(string name)
    {
        var yaml = new YamlStream();
        using (var reader = new StreamReader(Path.Combine(Deploy, "compose.yaml")))
        {
            yaml.Load(reader);
        }

        var services = (YamlMappingNode)((YamlMappingNode)yaml.Documents[0].RootNode).Children[new YamlScalarNode("services")];
        Assert.True(services.Children.ContainsKey(new YamlScalarNode(name)), $"compose has no service '{name}'");
        return new ComposeNode((YamlMappingNode)services.Children[new YamlScalarNode(name)]);
    }

    [GeneratedRegex(@"ASPNETCORE_HTTP_PORTS=(\d+)")]
    private static partial Regex HttpPorts();

    [GeneratedRegex(@"MapGet\(""(/[a-z]+)""")]
    private static partial Regex MapGet();

    private sealed class ComposeNode(YamlMappingNode node)
    {
        public IReadOnlyDictionary<string, string> Environment =>
            ((YamlMappingNode)node.Children[new YamlScalarNode("environment")]).Children.ToDictionary(p => ((YamlScalarNode)p.Key).Value!, p => ((YamlScalarNode)p.Value).Value ?? "");

        public string Node(params string[] path) => ((YamlScalarNode)Walk(path)).Value!;

        public List<string> Sequence(params string[] path) => ((YamlSequenceNode)Walk(path)).Children.Select(c => ((YamlScalarNode)c).Value!).ToList();

        private YamlNode Walk(string[] path)
        {
            YamlNode current = node;
            foreach (var key in path)
            {
                current = ((YamlMappingNode)current).Children[new YamlScalarNode(key)];
            }

            return current;
        }
    }

    /// <summary>
    /// The settings that exist: every options class of the Advisor assemblies (a public <c>SectionName</c> constant),
    /// walked property by property, so <c>Advisor__Data__UserHashSalt</c> is found as <c>DataOptions.UserHashSalt</c>.
    /// </summary>
    private static class Settings
    {
        private static readonly List<(string[] Section, Type Type)> Sections = [.. typeof(Program).Assembly.GetReferencedAssemblies()
            .Where(a => a.Name!.StartsWith("Advisor.", StringComparison.Ordinal))
            .Select(Assembly.Load)
            .Append(typeof(Program).Assembly)
            .SelectMany(a => a.GetTypes())
            .Select(t => (Type: t, Field: t.GetField("SectionName", BindingFlags.Public | BindingFlags.Static)))
            .Where(p => p.Field is { IsLiteral: true })
            .Select(p => (((string)p.Field!.GetRawConstantValue()!).Split(':'), p.Type))];

        public static bool Exists(string variable)
        {
            var path = variable.Split("__");
            foreach (var (section, type) in Sections.OrderByDescending(s => s.Section.Length))
            {
                if (path.Length > section.Length && path.Take(section.Length).SequenceEqual(section, StringComparer.OrdinalIgnoreCase)
                    && Walk(type, path[section.Length..]))
                {
                    return true;
                }
            }

            return false;
        }

        private static bool Walk(Type type, string[] rest)
        {
            var property = type.GetProperty(rest[0], BindingFlags.Public | BindingFlags.Instance | BindingFlags.IgnoreCase);
            return property is not null && property.CanWrite
                && (rest.Length == 1 || Walk(property.PropertyType, rest[1..]));
        }
    }
}
