using System.Reflection;
using Dtc.Messaging.Contracts;
using Dtc.Worker.Notifications;

namespace Dtc.Tests.Worker;

public sealed class TemplateTests
{
    public static TheoryData<string> Names()
    {
        var names = new TheoryData<string>();
        foreach (var field in typeof(NotificationTemplates).GetFields(BindingFlags.Public | BindingFlags.Static)) names.Add((string)field.GetValue(null)!);
        return names;
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void EveryPublishedTemplateNameHasATextWithoutPlaceholdersLeft(string name)
    {
        if (name.StartsWith("account.", StringComparison.Ordinal))
        {
            var (subject, text) = AccountTemplates.Render(name, new Dictionary<string, string> { ["link"] = "https://app.dtc.test/x?code=1" });
            Assert.NotEmpty(subject);
            Assert.DoesNotContain("{", text);
            return;
        }
        var template = Templates.Get(name);
        Assert.True(template.Sms.Length <= 160, $"{name}: an SMS of {template.Sms.Length} characters is sent in parts");
        Assert.All(new[] { template.Title, template.Body, template.Sms }, t => Assert.DoesNotContain("{", t));
    }
}
