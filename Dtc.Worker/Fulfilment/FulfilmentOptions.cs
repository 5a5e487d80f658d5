namespace Dtc.Worker.Fulfilment;

/// <summary>Section <c>Fulfilment</c>: the partner that ships the kits.</summary>
public sealed class FulfilmentOptions
{
    public const string Section = "Fulfilment";

    /// <summary>The partner's API, e.g. https://api.fulfilment.example/v1/ (orders are POSTed to {BaseUrl}orders).</summary>
    public Uri? BaseUrl { get; set; }
    public string? ApiKey { get; set; }
    /// <summary>Development only, when there is no partner: orders are acknowledged with a made-up reference.</summary>
    public bool Simulate { get; set; }
}
