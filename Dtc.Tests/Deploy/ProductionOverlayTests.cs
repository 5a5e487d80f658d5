using Dtc.AppHost;

namespace Dtc.Tests.Deploy;

/// <summary>What the production overlay renders for namespace pat--dtc--be (DESIGN.md §1).</summary>
public sealed class ProductionOverlayTests(ProductionOverlay overlay) : IClassFixture<ProductionOverlay>
{
    /// <summary>AppHost resource → the Deployment name the namespace has always used.</summary>
    static readonly Dictionary<string, string> ProductionNames = new()
    {
        [DtcResources.Api] = "pat--dtc--be--app--prod",
        ["consumer-lis-testresult"] = "pat--dtc--be--consumer-lis-testresult--prod",
        ["consumer-customer"] = "pat--dtc--be--consumer-customer--prod",
        ["consumer-homekit-register"] = "pat--dtc--be--consumer-homekit-register--prod",
        [DtcResources.Worker] = "pat--dtc--be--wrk--default--prod",
    };

    const string CronJob = "pat--dtc--be--cron--prod";
    const string MigrationsJob = "pat--dtc--be--migrations--prod";
    const string ApiService = "pat--dtc--be--app--prod";

    IEnumerable<KubeObject> Deployments => overlay.OfKind("Deployment");

    static string App(KubeObject deployment) => deployment.Text("spec.selector.matchLabels.app");

    [Fact]
    public void OverlayRendersTheNamespacesWorkloadsUnderTheirNames()
    {
        Assert.All(overlay.Objects, o => Assert.Equal(ProductionOverlay.Namespace, o.Namespace));
        Assert.Equal(ProductionNames.Values.Order(), Deployments.Select(d => d.Name).Order());
        Assert.All(Deployments, d => Assert.Equal(ProductionNames[App(d)], d.Name));
        Assert.Equal([CronJob], overlay.OfKind("CronJob").Select(o => o.Name));
        Assert.Equal([MigrationsJob], overlay.OfKind("Job").Select(o => o.Name));
        Assert.Equal([ApiService], overlay.OfKind("Service").Select(o => o.Name));
    }

    [Fact]
    public void ReplicasAreTheAppHostsProductionCounts()
    {
        Assert.Equal(DtcResources.Replicas.Keys.Order(), Deployments.Select(App).Order());
        foreach (var deployment in Deployments)
        {
            Assert.True(DtcResources.Replicas[App(deployment)].Production == deployment.Number("spec.replicas"),
                $"{deployment} runs {deployment.Number("spec.replicas")} replicas; DtcResources.Replicas[\"{App(deployment)}\"].Production is {DtcResources.Replicas[App(deployment)].Production}");
        }
        foreach (var consumer in DtcResources.Consumers)
        {
            Assert.Equal(consumer.ProductionReplicas, overlay.Single("Deployment", ProductionNames[consumer.Name]).Number("spec.replicas"));
        }
    }

    [Fact]
    public void DeploymentsRollOutWithoutEverLosingAReadyPod()
    {
        Assert.All(Deployments, d =>
        {
            Assert.Equal("RollingUpdate", d.Text("spec.strategy.type"));
            Assert.Equal(0, d.Number("spec.strategy.rollingUpdate.maxUnavailable"));
            Assert.True(d.Number("spec.strategy.rollingUpdate.maxSurge") >= 1, $"{d} cannot surge");
        });
    }

    [Fact]
    public void EveryServiceIsProbedOnItsHealthEndpoints()
    {
        Assert.All(Deployments, d =>
        {
            var container = d.PodTemplate.Find("spec.containers.0")!;
            string Probe(string path) => KubeObject.Find(container, path) as string ?? throw new Xunit.Sdk.XunitException($"{d}: no {path}");
            Assert.Equal("/health/ready", Probe("readinessProbe.httpGet.path"));
            Assert.Equal("/health/live", Probe("livenessProbe.httpGet.path"));
            Assert.Equal("/health/live", Probe("startupProbe.httpGet.path"));
            // The probes name the port; it must be Kestrel's (ASPNETCORE_URLS=http://+:8080).
            Assert.All(new[] { "readinessProbe", "livenessProbe", "startupProbe" }, p => Assert.Equal("http", Probe($"{p}.httpGet.port")));
            Assert.Equal("8080", NamedPort(d, "http"));
        });
    }

    [Fact]
    public void EveryPodRunsAsNonRootOnAReadOnlyFilesystemWithinLimits()
    {
        Assert.NotEmpty(overlay.Workloads);
        Assert.All(overlay.Workloads, workload =>
        {
            var pod = workload.PodTemplate;
            Assert.Equal("false", pod.Text("spec.automountServiceAccountToken"));
            Assert.Equal("true", pod.Text("spec.securityContext.runAsNonRoot"));
            Assert.NotEqual("0", pod.Text("spec.securityContext.runAsUser"));
            var emptyDirs = pod.List("spec.volumes").Where(v => KubeObject.Find(v, "emptyDir") is not null)
                .Select(v => (string)KubeObject.Find(v, "name")!).ToHashSet();
            Assert.All(pod.List("spec.containers"), container =>
            {
                string At(string path) => KubeObject.Find(container, path) as string ?? throw new Xunit.Sdk.XunitException($"{workload}: no {path}");
                Assert.Equal("true", At("securityContext.readOnlyRootFilesystem"));
                Assert.Equal("false", At("securityContext.allowPrivilegeEscalation"));
                Assert.Equal(["ALL"], (KubeObject.Find(container, "securityContext.capabilities.drop") as List<object>)!.Cast<string>());
                var tmp = ((List<object>)KubeObject.Find(container, "volumeMounts")!).Single(m => (string)KubeObject.Find(m, "mountPath")! == "/tmp");
                Assert.Contains((string)KubeObject.Find(tmp, "name")!, emptyDirs);
                foreach (var bound in new[] { "requests.cpu", "requests.memory", "limits.cpu", "limits.memory" }) At($"resources.{bound}");
            });
        });
    }

    [Fact]
    public void CronRunsEveryMinuteOneRunAtATime()
    {
        var cron = overlay.Single("CronJob", CronJob);
        Assert.Equal("* * * * *", cron.Text("spec.schedule"));
        Assert.Equal("Forbid", cron.Text("spec.concurrencyPolicy"));
        Assert.InRange(cron.Number("spec.startingDeadlineSeconds"), 1, 59);
        Assert.InRange(cron.Number("spec.successfulJobsHistoryLimit"), 1, 10);
        Assert.InRange(cron.Number("spec.failedJobsHistoryLimit"), 1, 10);
        // Forbid waits for a running job: a hung run is ended before it blocks many minutes.
        Assert.InRange(cron.Number("spec.jobTemplate.spec.activeDeadlineSeconds"), 60, 600);
        Assert.Equal(["--once"], cron.PodTemplate.List("spec.containers.0.args").Cast<string>());
        Assert.Equal("Never", cron.PodTemplate.Text("spec.restartPolicy"));
        Assert.DoesNotContain(Deployments, d => App(d) == DtcResources.Cron);
    }

    [Fact]
    public void MigrationsRunAsAJobThatTheApplyWaitsForFirst()
    {
        var job = overlay.Single("Job", MigrationsJob);
        Assert.True(job.Number("spec.ttlSecondsAfterFinished") > 0);
        Assert.Equal("Never", job.PodTemplate.Text("spec.restartPolicy"));
        Assert.DoesNotContain(Deployments, d => App(d) == DtcResources.Migrations);
        // scripts/k8s-apply.sh applies `-l dtc/deploy-stage=migrate` first: the Job and the ConfigMap it reads.
        Assert.Equal("migrate", job.Text("metadata.labels.dtc/deploy-stage"));
        var configMap = job.PodTemplate.Text("spec.containers.0.envFrom.0.configMapRef.name");
        Assert.Equal("migrate", overlay.Single("ConfigMap", configMap).Text("metadata.labels.dtc/deploy-stage"));
        Assert.Equal(
            [$"ConfigMap/{configMap}", $"Job/{MigrationsJob}"],
            overlay.Objects.Where(o => o.Find("metadata.labels.dtc/deploy-stage") is not null).Select(o => o.ToString()).Order());
    }

    [Fact]
    public void ApiIsReachedThroughNodePort32058()
    {
        var service = overlay.Single("Service", ApiService);
        Assert.Equal("NodePort", service.Text("spec.type"));
        var port = Assert.Single(service.List("spec.ports"));
        Assert.Equal("80", KubeObject.Find(port, "port"));
        Assert.Equal("32058", KubeObject.Find(port, "nodePort"));
        var api = overlay.Single("Deployment", ProductionNames[DtcResources.Api]);
        Assert.Equal("8080", NamedPort(api, (string)KubeObject.Find(port, "targetPort")!));
        var podLabels = api.PodTemplate.Map("metadata.labels");
        Assert.All(service.Map("spec.selector"), label => Assert.Equal(label.Value, podLabels.GetValueOrDefault(label.Key)));
    }

    [Fact]
    public void ApiScalesFromItsProductionCountToTwelve()
    {
        var hpa = Assert.Single(overlay.OfKind("HorizontalPodAutoscaler"));
        Assert.Equal("Deployment", hpa.Text("spec.scaleTargetRef.kind"));
        Assert.Equal(ProductionNames[DtcResources.Api], hpa.Text("spec.scaleTargetRef.name"));
        Assert.Equal(DtcResources.Replicas[DtcResources.Api].Production, hpa.Number("spec.minReplicas"));
        Assert.Equal(4, hpa.Number("spec.minReplicas"));
        Assert.Equal(12, hpa.Number("spec.maxReplicas"));
    }

    [Fact]
    public void EveryDeploymentHasADisruptionBudgetThatLetsADrainProceed()
    {
        var budgets = overlay.OfKind("PodDisruptionBudget").ToList();
        Assert.All(Deployments, d =>
        {
            var podLabels = d.PodTemplate.Map("metadata.labels");
            var budget = Assert.Single(budgets, b => b.Map("spec.selector.matchLabels")
                .All(l => Equals(podLabels.GetValueOrDefault(l.Key), l.Value)));
            Assert.Equal(1, budget.Number("spec.maxUnavailable"));
        });
        Assert.Equal(Deployments.Count(), budgets.Count);
    }

    [Fact]
    public void ConnectionStringsComeOnlyFromTheSecretKeptOutOfGit()
    {
        Assert.Empty(overlay.OfKind("Secret"));
        Assert.All(overlay.OfKind("ConfigMap"), c =>
            Assert.DoesNotContain(c.Map("data").Keys.Cast<string>(), k => k.StartsWith("ConnectionStrings", StringComparison.Ordinal)));
        var configMaps = overlay.OfKind("ConfigMap").Select(c => c.Name).ToHashSet();
        Assert.All(overlay.Workloads, w =>
        {
            var envFrom = w.PodTemplate.List("spec.containers.0.envFrom");
            Assert.Contains(envFrom, e => KubeObject.Find(e, "secretRef.name") as string == ProductionOverlay.ConnectionsSecret);
            Assert.All(envFrom.Select(e => KubeObject.Find(e, "configMapRef.name")).OfType<string>(), c => Assert.Contains(c, configMaps));
        });
    }

    [Fact]
    public void OnlyTheWorkerReadsTheMailSmsAndFulfilmentSecret()
    {
        var readers = overlay.Workloads
            .Where(w => w.PodTemplate.List("spec.containers.0.envFrom").Any(e => KubeObject.Find(e, "secretRef.name") as string == "pat--dtc--be--worker"))
            .ToList();
        var worker = Assert.Single(readers);
        Assert.Equal("wrk-default", App(worker));
    }

    [Fact]
    public void TheConsumersRunOneImage()
    {
        var images = Deployments.ToDictionary(App, d => d.PodTemplate.Text("spec.containers.0.image"));
        Assert.Single(DtcResources.Consumers.Select(c => images[c.Name]).Distinct());
        Assert.Equal(images.Count - DtcResources.Consumers.Length + 1, images.Values.Distinct().Count());
        Assert.Equal("IfNotPresent", Deployments.Select(d => d.PodTemplate.Text("spec.containers.0.imagePullPolicy")).Distinct().Single());
    }

    static string? NamedPort(KubeObject deployment, string name) =>
        deployment.PodTemplate.List("spec.containers.0.ports")
            .Where(p => KubeObject.Find(p, "name") as string == name)
            .Select(p => KubeObject.Find(p, "containerPort") as string)
            .SingleOrDefault();
}
