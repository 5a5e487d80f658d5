using Dtc.Cron;
using Dtc.Cron.Running;
using Dtc.Data;
using Dtc.Messaging;

// cron: the per-minute scheduled tasks (DESIGN.md §5). `--once` runs this minute's tasks and exits
// (the Kubernetes CronJob); without it the process fires every minute (local runs).
var once = args.Contains("--once");
var builder = WebApplication.CreateBuilder(args.Where(a => a != "--once").ToArray());
builder.AddServiceDefaults();
builder.AddDtcDatabase();
builder.AddDtcMessaging();
builder.AddCronTasks();
if (!once) builder.Services.AddHostedService<CronScheduler>();

var app = builder.Build();
app.MapDefaultEndpoints();
if (once) return await app.RunCronOnceAsync();
await app.RunAsync();
return 0;
