using Dtc.Messaging.Contracts;
using Dtc.Tests.EndToEnd;
using Dtc.Tests.Infrastructure;

namespace Dtc.Tests.Worker;

/// <summary>F5's promise: in a local run, the worker's emails land in .data/mail (README: "Emails in development").</summary>
[Collection(AppHostCollection.Name)]
public sealed class DevMailSinkTests(AppHostFixture fixture)
{
    [Fact]
    public async Task EmailSentInALocalRunLandsInTheMailFolder()
    {
        var customer = await Seed.CustomerAsync(fixture.Database, c => c.Preferences.ResultsBySms = false);
        await using var ext = await ExternalPublisher.ConnectAsync(fixture.Broker);

        await ext.PublishAsync(new NotificationSend(customer.Id, NotificationTemplates.OrderShipped, $"order-shipped:{Guid.NewGuid()}"));

        var folder = Path.Combine(TestEnvironment.RepoRoot, ".data", "mail");
        var file = await Eventually.Until(() => Task.FromResult(Directory.Exists(folder)
                ? Directory.GetFiles(folder, "*.eml").FirstOrDefault(f => File.ReadAllText(f).Contains(customer.Email, StringComparison.Ordinal))
                : null),
            f => f is not null, "the email in .data/mail", TimeSpan.FromSeconds(60));
        var message = await MimeKit.MimeMessage.LoadAsync(file!);
        Assert.Equal("Your kit is on its way", message.Subject);
        File.Delete(file!);
    }
}
