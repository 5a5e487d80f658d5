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

builder.Build().Run();
