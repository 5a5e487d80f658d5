using Dtc.Messaging;
using Dtc.Messaging.Contracts;
using Dtc.Worker.Email;
using Dtc.Worker.Fulfilment;
using Dtc.Worker.Notifications;
using Dtc.Worker.Sms;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;

namespace Dtc.Worker;

public static class WorkerJobs
{
    /// <summary>
    /// wrk-default: consumes <c>wrk.default</c> with a handler for every type routed to it
    /// (Topology.Routes), and the providers they use, their options validated at start-up.
    /// </summary>
    public static IHostApplicationBuilder AddWorkerJobs(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.TryAddSingleton(TimeProvider.System);
        services.AddMetrics();
        services.TryAddSingleton<WorkerTelemetry>();
        services.TryAddSingleton<DeliveryLedger>();
        services.AddOptions<NotificationOptions>().BindConfiguration(NotificationOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.AddEmail();
        builder.AddSms();
        builder.AddFulfilmentPartner();

        builder.AddDtcConsumer(Topology.Queues.WorkerDefault)
            .Handle<NotificationSend, NotificationSendHandler>()
            .Handle<AccountEmailSend, AccountEmailSendHandler>()
            .Handle<SyncOrderToFulfilment, OrderSyncHandler>()
            .Handle<OrderPlaced, OrderEventsHandler>()
            .Handle<OrderCancelled, OrderEventsHandler>();
        return builder;
    }

    static void AddEmail(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<EmailOptions>().BindConfiguration(EmailOptions.Section).ValidateDataAnnotations()
            .Validate(o => MimeKit.MailboxAddress.TryParse(o.From, out _), "Email:From must be an email address, e.g. 'Dtc <no-reply@dtc.example>'.")
            .ValidateOnStart();
        builder.Services.TryAddSingleton<EmailComposer>();
        builder.Services.TryAddSingleton<IEmailSender, SmtpEmailSender>();
    }

    static void AddSms(this IHostApplicationBuilder builder)
    {
        var provider = builder.Configuration[$"{SmsOptions.Section}:Provider"] ?? SmsOptions.Twilio;
        if (provider == SmsOptions.Log)
        {
            if (!builder.Environment.IsDevelopment()) throw new InvalidOperationException("Sms:Provider=Log is for development only.");
            builder.Services.TryAddSingleton<ISmsSender, LogSmsSender>();
            return;
        }
        if (provider != SmsOptions.Twilio) throw new InvalidOperationException($"Sms:Provider must be {SmsOptions.Twilio} or {SmsOptions.Log} (got '{provider}').");
        builder.Services.AddOptions<TwilioOptions>().BindConfiguration(TwilioOptions.Section)
            .Validate(o => o.BaseUrl.IsAbsoluteUri, "Sms:Twilio:BaseUrl must be an absolute URL.")
            .Validate(o => o.AccountSid.Length > 0 && o.AuthToken.Length > 0, "Sms:Twilio:AccountSid and Sms:Twilio:AuthToken are required.")
            .Validate(o => o.From.Length > 0, "Sms:Twilio:From (a number or a messaging service id) is required.")
            .ValidateOnStart();
#pragma warning disable EXTEXP0001
        builder.Services.AddHttpClient<ISmsSender, TwilioSmsSender>((sp, http) =>
                http.BaseAddress = WithSlash(sp.GetRequiredService<IOptions<TwilioOptions>>().Value.BaseUrl))
            // A POST the provider may have taken is not retried blindly: the job's own retry, behind
            // the delivery record, decides. (RemoveAllResilienceHandlers is marked experimental.)
            .RemoveAllResilienceHandlers()
            .AddStandardResilienceHandler(o => o.Retry.DisableForUnsafeHttpMethods());
#pragma warning restore EXTEXP0001
    }

    static void AddFulfilmentPartner(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<FulfilmentOptions>().BindConfiguration(FulfilmentOptions.Section)
            .Validate(o => o.Simulate || o.BaseUrl is { IsAbsoluteUri: true }, "Fulfilment:BaseUrl (absolute) is required unless Fulfilment:Simulate is set.")
            .Validate(o => !o.Simulate || builder.Environment.IsDevelopment(), "Fulfilment:Simulate is for development only.")
            .ValidateOnStart();
        if (builder.Configuration.GetValue<bool>($"{FulfilmentOptions.Section}:Simulate"))
        {
            builder.Services.TryAddSingleton<IFulfilmentPartner, SimulatedFulfilmentPartner>();
            return;
        }
        // The standard resilience handler (ServiceDefaults) retries: safe, every request is idempotent.
        builder.Services.AddHttpClient<IFulfilmentPartner, HttpFulfilmentPartner>((sp, http) =>
            http.BaseAddress = WithSlash(sp.GetRequiredService<IOptions<FulfilmentOptions>>().Value.BaseUrl!));
    }

    static Uri WithSlash(Uri uri) => uri.AbsoluteUri.EndsWith('/') ? uri : new Uri(uri.AbsoluteUri + "/");
}
