using System.Globalization;
using k8s;
using k8s.Models;
using Microsoft.Extensions.Configuration;
using ScoreGrains.Silo.Hosting;
using ScoreGrains.Silo.Observability;
using ScoreGrains.Silo.Security;

namespace ScoreGrains.Tests.Cluster;

/// <summary>
/// <c>cluster-config/kubernetes</c>, checked without a cluster: every file parses into the Kubernetes API's own model
/// types (strictly: an unknown or misspelt field, or a wrong type, fails), and the manifests agree with each other and with what the silo
/// reads (Orleans' Kubernetes hosting's labels and variables, our settings, our health paths, our ports).
/// </summary>
public sealed class KubernetesManifestTests
{
    private static readonly string Folder = Path.Combine(AppContext.BaseDirectory, "cluster-config", "kubernetes");

    private static readonly IReadOnlyList<object> Applied = Load(Kustomization().Resources);

    [Fact]
    public void KustomizationAppliesEveryManifestButTheExampleSecret()
    {
        var manifests = Directory.GetFiles(Folder, "*.yaml").Select(Path.GetFileName)
            .Where(name => name is not "kustomization.yaml" and not "secret.example.yaml");

        Assert.Equal(manifests.Order(), Kustomization().Resources.Order());
        Assert.All(Applied.OfType<IMetadata<V1ObjectMeta>>().Where(o => o is not V1Namespace),
            o => Assert.Equal(Kustomization().Namespace, o.Metadata.NamespaceProperty));
        Assert.Contains(Applied.OfType<V1Namespace>(), n => n.Metadata.Name == Kustomization().Namespace);
    }

    [Fact]
    public void PodCarriesWhatOrleansKubernetesHostingReads()
    {
        var pod = Single<V1Deployment>().Spec.Template;
        var env = Silo(pod).Env.ToDictionary(e => e.Name);

        // The hosting package finds its peers by these labels, and the ids must be the labels' values.
        Assert.Equal("metadata.labels['orleans/serviceId']", env["ORLEANS_SERVICE_ID"].ValueFrom.FieldRef.FieldPath);
        Assert.Equal("metadata.labels['orleans/clusterId']", env["ORLEANS_CLUSTER_ID"].ValueFrom.FieldRef.FieldPath);
        Assert.False(string.IsNullOrWhiteSpace(pod.Metadata.Labels["orleans/serviceId"]));
        Assert.False(string.IsNullOrWhiteSpace(pod.Metadata.Labels["orleans/clusterId"]));
        Assert.Equal("metadata.name", env["POD_NAME"].ValueFrom.FieldRef.FieldPath);
        Assert.Equal("metadata.namespace", env["POD_NAMESPACE"].ValueFrom.FieldRef.FieldPath);
        Assert.Equal("status.podIP", env["POD_IP"].ValueFrom.FieldRef.FieldPath);
        Assert.Equal(ClusteringModes.Kubernetes, env["ScoreGrains__Cluster__Clustering"].Value);
    }

    [Fact]
    public void SiloAccountMayWatchAndDeletePodsAndNothingElse()
    {
        var pod = Single<V1Deployment>().Spec.Template.Spec;
        var account = Assert.Single(Applied.OfType<V1ServiceAccount>(), a => a.Metadata.Name == pod.ServiceAccountName);
        var binding = Single<V1RoleBinding>();
        Assert.Contains(binding.Subjects, s => s.Kind == "ServiceAccount" && s.Name == account.Metadata.Name);

        var role = Assert.Single(Applied.OfType<V1Role>(), r => r.Metadata.Name == binding.RoleRef.Name);
        var rule = Assert.Single(role.Rules);
        Assert.Equal(["pods"], rule.Resources);
        Assert.Equal(["delete", "get", "list", "patch", "watch"], rule.Verbs.Order());
    }

    [Fact]
    public void EverySettingTheDeploymentGivesIsOneTheSiloReads()
    {
        var env = Silo(Single<V1Deployment>().Spec.Template).Env.Where(e => e.Value is not null);
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(env.Select(e => KeyValuePair.Create(e.Name.Replace("__", ":"), (string?)e.Value)))
            .Build();

        UnknownSettings.ThrowIfAny(configuration);
        var cluster = configuration.GetSection(ScoreGrainsClusterOptions.Section).Get<ScoreGrainsClusterOptions>()!;
        Assert.Contains(cluster.Clustering, ClusteringModes.All);
        Assert.Null(cluster.AdvertisedAddress); // the pod's IP, set by Orleans' Kubernetes hosting

        // Listening beyond loopback, the silo starts only with keys required.
        Assert.False(SecurityExtensions.IsLoopback(configuration["Urls"]!));
        Assert.Equal("keys", configuration["ScoreGrains:Security:Mode"]);
    }

    [Fact]
    public void ContainerPortsAreTheOnesTheSiloListensOn()
    {
        var container = Silo(Single<V1Deployment>().Spec.Template);
        var env = container.Env.ToDictionary(e => e.Name, e => e.Value);
        var ports = container.Ports.ToDictionary(p => p.Name, p => p.ContainerPort);

        Assert.Equal(int.Parse(env["ScoreGrains__Cluster__SiloPort"], CultureInfo.InvariantCulture), ports["silo"]);
        Assert.Equal(int.Parse(env["ScoreGrains__Cluster__GatewayPort"], CultureInfo.InvariantCulture), ports["gateway"]);
        Assert.Equal(new Uri(env["Urls"]).Port, ports["http"]);
    }

    [Fact]
    public void ProbesUseTheSilosHealthEndpointsAndLivenessIgnoresDependencies()
    {
        var container = Silo(Single<V1Deployment>().Spec.Template);

        Assert.Equal(ObservabilityExtensions.ReadinessPath, container.ReadinessProbe.HttpGet.Path);
        Assert.Equal(ObservabilityExtensions.LivenessPath, container.LivenessProbe.HttpGet.Path);
        Assert.Equal(ObservabilityExtensions.LivenessPath, container.StartupProbe.HttpGet.Path);
        Assert.All([container.ReadinessProbe, container.LivenessProbe, container.StartupProbe],
            probe => Assert.Contains(container.Ports, p => p.Name == probe.HttpGet.Port.Value));
    }

    [Fact]
    public void ServiceAndDisruptionBudgetSelectTheSiloPods()
    {
        var pod = Single<V1Deployment>().Spec.Template;
        var http = Single<V1Service>(s => s.Spec.Type != "ExternalName");
        var budget = Single<V1PodDisruptionBudget>();

        Assert.All(http.Spec.Selector, label => Assert.Equal(label.Value, pod.Metadata.Labels[label.Key]));
        Assert.All(budget.Spec.Selector.MatchLabels, label => Assert.Equal(label.Value, pod.Metadata.Labels[label.Key]));
        Assert.All(http.Spec.Ports, port => Assert.Contains(Silo(pod).Ports, p => p.Name == port.TargetPort.Value));
    }

    [Fact]
    public void ConnectionStringComesFromTheSecretWhoseExampleNamesThePostgresService()
    {
        var reference = Silo(Single<V1Deployment>().Spec.Template).Env.Single(e => e.Name == "ConnectionStrings__ScoreGrains").ValueFrom.SecretKeyRef;
        var example = Assert.Single(Load(["secret.example.yaml"]).OfType<V1Secret>());
        var postgres = Single<V1Service>(s => s.Spec.Type == "ExternalName");

        Assert.Equal(example.Metadata.Name, reference.Name);
        var connectionString = new Npgsql.NpgsqlConnectionStringBuilder(example.StringData[reference.Key]);
        Assert.Equal(postgres.Metadata.Name, connectionString.Host);
        Assert.Equal(postgres.Spec.Ports.Single().Port, connectionString.Port);
    }

    private static V1Container Silo(V1PodTemplateSpec pod) => Assert.Single(pod.Spec.Containers);

    private static T Single<T>(Func<T, bool>? where = null) => Assert.Single(Applied.OfType<T>(), o => where?.Invoke(o) ?? true);

    private static List<object> Load(IEnumerable<string> files) =>
        files.SelectMany(file => KubernetesYaml.LoadAllFromString(File.ReadAllText(Path.Combine(Folder, file)), strict: true)).ToList();

    private static KustomizationFile Kustomization() =>
        KubernetesYaml.Deserialize<KustomizationFile>(File.ReadAllText(Path.Combine(Folder, "kustomization.yaml")), strict: true);

    // kustomization.yaml is not a Kubernetes API object, so the client has no model type for it.
    private sealed class KustomizationFile
    {
        [YamlDotNet.Serialization.YamlMember(Alias = "apiVersion")]
        public string ApiVersion { get; set; } = "";

        [YamlDotNet.Serialization.YamlMember(Alias = "kind")]
        public string Kind { get; set; } = "";

        [YamlDotNet.Serialization.YamlMember(Alias = "namespace")]
        public string Namespace { get; set; } = "";

        [YamlDotNet.Serialization.YamlMember(Alias = "resources")]
        public List<string> Resources { get; set; } = [];
    }
}
