using Dtc.Data.Kits;
using Dtc.Data.Results;

namespace Dtc.Consumers.Lis;

/// <summary>The report as it stands before a new version: its current version's status and issue time.</summary>
public sealed record CurrentVersion(string Status, DateTimeOffset IssuedAt, bool Released);

/// <summary>Where a new version goes, and what it changes for the patient.</summary>
public sealed record VersionEffect(
    VersionPlace Place, bool Released, bool PublishReleased, string? Template, bool RejectKit)
{
    public static readonly VersionEffect Duplicate = new(VersionPlace.Duplicate, false, false, null, false);
    public static readonly VersionEffect Stale = new(VersionPlace.History, false, false, null, false);
}

public enum VersionPlace { Current, History, Duplicate }

/// <summary>
/// README, "Result release rules": which version is current, what the patient sees, what they are told.
/// Pure: the handler supplies the report's state and applies the answer.
/// </summary>
public static class ReleaseRules
{
    public const string ResultReady = "result-ready";
    public const string ResultUpdated = "result-updated";
    public const string SpecimenRejected = "specimen-rejected";

    /// <summary>
    /// Versions are ordered by issue time (OBR-22), then by status (a correction issued in the same second
    /// as its final is the later one). A version with the same issue time and status as one already held
    /// is the same version sent again under another message id.
    /// </summary>
    public static int Compare(DateTimeOffset issuedAt, string status, DateTimeOffset otherIssuedAt, string otherStatus)
    {
        var byTime = issuedAt.CompareTo(otherIssuedAt);
        return byTime != 0 ? byTime : Rank(status).CompareTo(Rank(otherStatus));
    }

    static int Rank(string status) => status switch
    {
        ReportStatus.Preliminary => 0,
        ReportStatus.Final => 1,
        ReportStatus.Corrected => 2,
        _ => 3, // cancelled, entered-in-error: the lab's last word on a report
    };

    /// <summary>Final and corrected results are shown; preliminary, cancelled and withdrawn ones are not.</summary>
    public static bool Releasable(string status, bool specimenRejected) =>
        !specimenRejected && status is ReportStatus.Final or ReportStatus.Corrected;

    public static VersionEffect Decide(CurrentVersion? current, string status, DateTimeOffset issuedAt, bool specimenRejected)
    {
        if (current is not null)
        {
            var order = Compare(issuedAt, status, current.IssuedAt, current.Status);
            if (order == 0) return VersionEffect.Duplicate;
            if (order < 0) return VersionEffect.Stale;
        }
        var released = Releasable(status, specimenRejected);
        var wasReleased = current?.Released == true;
        var template = (released, wasReleased, specimenRejected) switch
        {
            (_, _, true) => SpecimenRejected,
            (true, false, _) => ResultReady,
            (true, true, _) => ResultUpdated,
            // Taken back from the patient's view (entered in error, cancelled, re-opened): they saw it, so they hear of it.
            (false, true, _) => ResultUpdated,
            _ => null,
        };
        return new VersionEffect(VersionPlace.Current, released, released, template, specimenRejected);
    }

    /// <summary>The kit's next status after a version is stored, or null to leave it.</summary>
    public static string? NextKitStatus(string kitStatus, VersionEffect effect)
    {
        if (effect.Place == VersionPlace.Duplicate) return null;
        if (effect.Place == VersionPlace.History) return kitStatus == KitStatus.Registered ? KitStatus.Received : null;
        if (effect.RejectKit) return kitStatus == KitStatus.Rejected ? null : KitStatus.Rejected;
        if (effect.Released) return kitStatus == KitStatus.Resulted ? null : KitStatus.Resulted;
        return kitStatus == KitStatus.Registered ? KitStatus.Received : null;
    }
}
