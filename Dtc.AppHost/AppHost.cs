using Microsoft.Extensions.Configuration;
using Dtc.AppHost;

var builder = DistributedApplication.CreateBuilder(args);
var (db, mq) = builder.AddDtcInfrastructure();

// Tests set DisableTelemetry: with no dashboard listening, each replica otherwise waits ~10 s to stop.
var telemetryOff = builder.Configuration.GetValue<bool>("DisableTelemetry");

IResourceBuilder<ProjectResource> Service<TProject>(string name) where TProject : IProjectMetadata, new()
{
    var service = builder.AddProject<TProject>(name)
        .WithReference(db).WaitFor(db)
        .WithReference(mq).WaitFor(mq);
    if (telemetryOff) service.WithEnvironment("OTEL_SDK_DISABLED", "true");
    return service;
}

var migrations = builder.AddProject<Projects.Dtc_MigrationService>(DtcResources.Migrations)
    .WithReference(db).WaitFor(db);
if (telemetryOff) migrations.WithEnvironment("OTEL_SDK_DISABLED", "true");

Service<Projects.Dtc_Api>(DtcResources.Api)
    .WithReplicas(DtcResources.Replicas[DtcResources.Api].Local)
    .WaitForCompletion(migrations)
    .WithExternalHttpEndpoints()
    .WithHttpHealthCheck("/health");

foreach (var consumer in DtcResources.Consumers)
{
    Service<Projects.Dtc_Consumers>(consumer.Name)
        .WithArgs("--role", consumer.Role)
        .WithReplicas(consumer.LocalReplicas)
        .WaitForCompletion(migrations)
        .WithHttpHealthCheck("/health");
}

Service<Projects.Dtc_Worker>(DtcResources.Worker)
    .WithReplicas(DtcResources.Replicas[DtcResources.Worker].Local)
    .WaitForCompletion(migrations)
    .WithHttpHealthCheck("/health")
    .WithDevMailSink(builder);

// Locally the cron runs continuously and fires every minute; in Kubernetes it is a CronJob with --once.
Service<Projects.Dtc_Cron>(DtcResources.Cron)
    .WaitForCompletion(migrations)
    .WithHttpHealthCheck("/health");

// Locally only, never published: the LIS simulator plays the lab, so that a kit registered during an F5 session gets
// its results (preliminary, final, sometimes corrected) a few seconds later. Idle, and healthy, while no kit is registered.
if (!builder.ExecutionContext.IsPublishMode)
{
    Service<Projects.Dtc_LisSimulator>(DtcResources.LisSimulator)
        .WaitForCompletion(migrations)
        .WithArgs("--rate", "0.2/s", "--follow-up", "20s");
}

builder.Build().Run();
