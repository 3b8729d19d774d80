using AkkaFakeUsers.Configuration;
using System.Diagnostics;
using System.Text.RegularExpressions;
using AkkaFakeUsers.Simulation;
using k8s;
using k8s.Models;
using AkkaFakeUsers.Tests.Support;
using Xunit.Abstractions;

namespace AkkaFakeUsers.Tests.Deployment;

/// <summary>
/// deploy/k8s, validated offline: kustomize renders it, every object deserialises strictly into the Kubernetes
/// client's typed models, and what a reviewer would check by eye holds against the app's own settings.
/// </summary>
public sealed class KubernetesTests(ITestOutputHelper output)
{
    private static string Dir => Path.Combine(Design.NamespaceDependencyTests.RepoRoot(), "deploy", "k8s");

    private static async Task<string> RenderAsync()
    {
        var psi = new ProcessStartInfo(Tools.Which("kubectl") ?? throw new InvalidOperationException("kubectl is not installed"))
            { RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add("kustomize");
        psi.ArgumentList.Add(Dir);
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        await p.WaitForExitAsync();
        Assert.True(p.ExitCode == 0, await stderr);
        return await stdout;
    }

    [Fact]
    public void Every_manifest_deserialises_strictly_into_the_typed_models()
    {
        var files = Directory.GetFiles(Dir, "*.yaml").Where(f => Path.GetFileName(f) != "kustomization.yaml").ToList();
        Assert.Equal(4, files.Count);
        foreach (var f in files)
        {
            // strict: an unknown or misspelt field throws
            var objects = KubernetesYaml.LoadAllFromString(File.ReadAllText(f), strict: true);
            Assert.Single(objects);
            Assert.IsAssignableFrom<IKubernetesObject>(objects[0]);
        }
        // the kustomization lists exactly these files
        var kustomization = File.ReadAllText(Path.Combine(Dir, "kustomization.yaml"));
        foreach (var f in files) Assert.Contains("  - " + Path.GetFileName(f), kustomization);
    }

    [KubectlFact]
    public async Task The_rendered_deployment_matches_the_app_its_settings_and_its_own_labels()
    {
        var rendered = await RenderAsync();
        var objects = KubernetesYaml.LoadAllFromString(rendered, strict: true);
        var sts = Assert.Single(objects.OfType<V1StatefulSet>());
        var services = objects.OfType<V1Service>().ToList();
        var pdb = Assert.Single(objects.OfType<V1PodDisruptionBudget>());
        Assert.Equal(2, services.Count);
        var podLabels = sts.Spec.Template.Metadata.Labels;

        // labels: the StatefulSet's selector, both services' selectors and the disruption budget match the pods
        bool Selects(IDictionary<string, string> selector) => selector.All(kv => podLabels.TryGetValue(kv.Key, out var v) && v == kv.Value);
        Assert.True(Selects(sts.Spec.Selector.MatchLabels));
        Assert.All(services, s => Assert.True(Selects(s.Spec.Selector), $"service {s.Metadata.Name} selects no pod"));
        Assert.True(Selects(pdb.Spec.Selector.MatchLabels));
        Assert.Equal("1", pdb.Spec.MaxUnavailable?.Value);

        // the headless service gives the pods their DNS names; the seed node is pod 0 behind it, on the remoting port
        var headless = services.Single(s => s.Spec.ClusterIP == "None");
        Assert.Equal(headless.Metadata.Name, sts.Spec.ServiceName);
        Assert.True(headless.Spec.PublishNotReadyAddresses);
        var app = sts.Spec.Template.Spec.Containers.Single(c => c.Name == "app");
        var env = app.Env.ToDictionary(e => e.Name);
        var seed = env["AFU_SEED_NODES"].Value;
        Assert.StartsWith($"akka.tcp://afu@{sts.Metadata.Name}-0.{headless.Metadata.Name}.$(POD_NAMESPACE).svc.cluster.local:", seed);
        var ports = app.Ports.ToDictionary(p => p.Name, p => p.ContainerPort);
        Assert.EndsWith($":{ports["remoting"]}", seed);
        Assert.Equal(env["AFU__CLUSTER__PORT"].Value, ports["remoting"].ToString());

        // every port a service targets is a named port of the app
        foreach (var s in services)
        foreach (var p in s.Spec.Ports)
            Assert.True(ports.ContainsKey(p.TargetPort.Value), $"service {s.Metadata.Name} targets '{p.TargetPort.Value}', not a port of the app");

        // probes hit the app's real health paths on its health port (the settings' default)
        Assert.Equal("/healthz/ready", app.ReadinessProbe.HttpGet.Path);
        Assert.Equal("/healthz/live", app.LivenessProbe.HttpGet.Path);
        Assert.Equal("health", app.ReadinessProbe.HttpGet.Port.Value);
        Assert.Equal(int.Parse(SettingsCatalog.HealthPort.Default), ports["health"]);
        Assert.Equal(int.Parse(SettingsCatalog.DashboardPort.Default), ports["dashboard"]);
        Assert.Equal(int.Parse(SettingsCatalog.InspectionPort.Default), ports["inspection"]);

        // every variable the app gets is a setting it reads (named, or the generic AFU__SECTION__KEY form), or a
        // downward-API helper the others refer to
        var known = SettingsCatalog.All.SelectMany(s => new[] { s.Env, s.GenericEnv }).Where(n => n is not null).ToHashSet();
        foreach (var name in env.Keys.Where(n => n is not ("POD_NAME" or "POD_NAMESPACE")))
            Assert.True(known.Contains(name), $"{name} is not a setting of afu");
        // and together they load: the secrets' values stand in as a user would set them
        var values = env.Values.Where(e => e.Value is not null).ToDictionary(e => e.Name,
            e => e.Value.Replace("$(POD_NAME)", "afu-1").Replace("$(POD_NAMESPACE)", "default"));
        values["AFU_POSTGRES"] = "Host=postgres;Database=afu;Username=afu;Password=x";
        values["AFU_INSPECTION_TOKEN"] = "0123456789abcdef0123456789abcdef";
        var settings = SettingsLoader.Load(null, values, new Dictionary<string, (string, string)>());
        Assert.Equal(StorageKind.Postgres, settings.Storage);
        Assert.Equal("afu-1.afu-headless.default.svc.cluster.local", settings.Cluster.PublicHostname);
        Assert.Equal("0.0.0.0", settings.Dashboard.Host);
        Assert.Equal("http://localhost:11434", settings.Llm.OllamaHost);

        // secrets: connection string and token come from the secret docs/operations.md tells users to create
        Assert.Equal(["inspection-token", "postgres-connection"], env.Values.Where(e => e.ValueFrom?.SecretKeyRef is not null)
            .Select(e => { Assert.Equal("afu-secrets", e.ValueFrom.SecretKeyRef.Name); return e.ValueFrom.SecretKeyRef.Key; }).Order());
        var doc = await File.ReadAllTextAsync(Path.Combine(Design.NamespaceDependencyTests.RepoRoot(), "docs", "operations.md"));
        Assert.Contains("kubectl create secret generic afu-secrets", doc);
        Assert.Contains("--from-literal=postgres-connection=", doc);
        Assert.Contains("--from-literal=inspection-token=", doc);

        // Ollama as a native sidecar with its models on the pod's persistent volume; the app's OLLAMA_HOST reaches it
        var ollama = Assert.Single(sts.Spec.Template.Spec.InitContainers);
        Assert.Equal("Always", ollama.RestartPolicy);
        Assert.Equal("/root/.ollama", Assert.Single(ollama.VolumeMounts).MountPath);
        Assert.Equal(ollama.VolumeMounts[0].Name, Assert.Single(sts.Spec.VolumeClaimTemplates).Metadata.Name);
        Assert.Equal($"http://localhost:{ollama.Ports.Single().ContainerPort}", env["OLLAMA_HOST"].Value);
        Assert.NotNull(ollama.StartupProbe);

        // the node drains within its shutdown phase (45 s, hocon/akka.conf) before the kubelet kills it
        var phase = Regex.Match(await File.ReadAllTextAsync(Path.Combine(Design.NamespaceDependencyTests.RepoRoot(), "hocon", "akka.conf")),
            @"before-service-unbind\.timeout = (\d+)s");
        Assert.True(sts.Spec.Template.Spec.TerminationGracePeriodSeconds > long.Parse(phase.Groups[1].Value));
        output.WriteLine(rendered);
    }
}
