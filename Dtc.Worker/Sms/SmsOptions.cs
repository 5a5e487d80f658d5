namespace Dtc.Worker.Sms;

/// <summary>Section <c>Sms</c>: which provider sends texts, and its account.</summary>
public sealed class SmsOptions
{
    public const string Section = "Sms";
    public const string Twilio = "Twilio";
    /// <summary>Development only: texts are written to the log instead of being sent.</summary>
    public const string Log = "Log";

    public string Provider { get; set; } = Twilio;
}

/// <summary>Section <c>Sms:Twilio</c>. The auth token comes from a secret, never from the repo.</summary>
public sealed class TwilioOptions
{
    public const string Section = "Sms:Twilio";

    public Uri BaseUrl { get; set; } = new("https://api.twilio.com/");
    public string AccountSid { get; set; } = "";
    public string AuthToken { get; set; } = "";
    /// <summary>The sending number (E.164) or a messaging service id (MG…).</summary>
    public string From { get; set; } = "";
}
