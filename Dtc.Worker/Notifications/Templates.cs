using Dtc.Messaging.Consuming;
using T = Dtc.Messaging.Contracts.NotificationTemplates;

namespace Dtc.Worker.Notifications;

/// <summary>Which preference lets a template through: notices about the patient's tests, or marketing.</summary>
public enum TemplateCategory { Tests, Marketing }

/// <summary>
/// The text of a patient notification. Email and SMS say only that something happened and point to
/// the app: no test name, no value, no name of the patient. The in-app link may carry an id from the
/// job's data (ids are not PHI), and only the app, behind sign-in, resolves it.
/// </summary>
public sealed record Template(string Name, TemplateCategory Category, string Title, string Body, string Sms, string Path, string? IdKey = null)
{
    public string LinkFor(IReadOnlyDictionary<string, string>? data) =>
        IdKey is not null && data is not null && data.TryGetValue(IdKey, out var id) && Guid.TryParse(id, out var guid)
            ? $"{Path}/{guid}"
            : Path;
}

public static class Templates
{
    const string SmsTail = " Open the app to see more.";

    static readonly Template[] all =
    [
        new(T.ResultReady, TemplateCategory.Tests, "Your results are ready",
            "Your test results are ready. Open the app to read them.", "Dtc: your test results are ready." + SmsTail, "/results", "reportId"),
        new(T.ResultUpdated, TemplateCategory.Tests, "Your results were updated",
            "The laboratory updated one of your reports. Open the app to read it.", "Dtc: one of your reports was updated." + SmsTail, "/results", "reportId"),
        new(T.SpecimenRejected, TemplateCategory.Tests, "We need a new sample",
            "The laboratory could not test your sample. Open the app to see how to collect a new one.", "Dtc: we need a new sample from you." + SmsTail, "/kits", "kitId"),
        new(T.OrderShipped, TemplateCategory.Tests, "Your kit is on its way",
            "Your test kit has shipped. Register it in the app when you collect your sample.", "Dtc: your test kit has shipped." + SmsTail, "/orders", "orderId"),
        new(T.KitRegistered, TemplateCategory.Tests, "Your kit is registered",
            "Your kit is registered. Send your sample to the laboratory as the instructions say.", "Dtc: your kit is registered." + SmsTail, "/kits"),
        new(T.KitRegisteredBySomeoneElse, TemplateCategory.Tests, "A kit from your order was registered",
            "Someone registered a kit from one of your orders. If you did not give it to anyone, contact us from the app.",
            "Dtc: a kit from your order was registered by someone else." + SmsTail, "/orders", "orderId"),
        new(T.KitRegistrationRejected, TemplateCategory.Tests, "We could not register your kit",
            "We could not register your kit. Open the app to see why and what to do next.", "Dtc: we could not register your kit." + SmsTail, "/kits"),
        new(T.KitRegistrationReminder, TemplateCategory.Tests, "Don't forget to register your kit",
            "Your kit arrived a while ago. Register it in the app when you collect your sample, before it expires.", "Dtc: remember to register your test kit." + SmsTail, "/kits"),
        new(T.ResultsDelayed, TemplateCategory.Tests, "Your results are taking longer than usual",
            "Your results are taking longer than usual. We will tell you as soon as they are ready.", "Dtc: your results are taking longer than usual." + SmsTail, "/results"),
        new(T.ProductNews, TemplateCategory.Marketing, "News from Dtc",
            "There is something new in the Dtc app.", "Dtc: there is something new in the app." + SmsTail, "/"),
    ];

    static readonly Dictionary<string, Template> byName = all.ToDictionary(t => t.Name, StringComparer.Ordinal);

    public static Template Get(string name) => byName.TryGetValue(name, out var template)
        ? template
        : throw new PoisonMessageException("unknown-template", $"No notification template '{name}'.");
}
