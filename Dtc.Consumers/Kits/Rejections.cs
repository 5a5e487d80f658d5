using Dtc.Data.Kits;

namespace Dtc.Consumers.Kits;

/// <summary>Reason codes of <c>kit.registration-rejected</c>, and what the patient reads for each.</summary>
public static class Rejections
{
    public const string AccountClosed = "account-closed";
    public const string InvalidBarcode = "invalid-barcode";
    public const string ConsentRequired = "consent-required";
    public const string CollectedInFuture = "collected-in-future";
    public const string KitNotFound = "kit-not-found";
    public const string RegisteredToSomeoneElse = "registered-to-someone-else";
    public const string KitUsed = "kit-used";
    public const string AlreadyRegistered = "already-registered";
    public const string OrderCancelled = "order-cancelled";
    public const string CollectedBeforeShipping = "collected-before-shipping";
    public const string KitExpired = "kit-expired";
    public const string ProfileIncomplete = "profile-incomplete";

    public static string Words(string code, Kit? kit) => code switch
    {
        AccountClosed => "This account is closed, so the kit cannot be registered to it.",
        InvalidBarcode => "This is not a valid kit barcode. Check the 11 digits printed under the barcode on the tube and try again.",
        ConsentRequired => "The lab can only test your sample with your consent to testing. Register the kit again and give your consent.",
        CollectedInFuture => "The collection time is in the future. Enter the date and time you actually collected your sample.",
        KitNotFound => "We cannot find a kit with this barcode. Check the number on the tube; if your kit arrived only today, try again in a few hours.",
        RegisteredToSomeoneElse => "This kit is already registered to another person, and a kit can be used by one person only. If you think this is a mistake, contact support before sending your sample.",
        KitUsed => "This kit has already been used and the lab could not test its sample. Please collect a new sample with your replacement kit.",
        AlreadyRegistered => "You have already registered this kit with a different collection time or consent. Contact support if it needs correcting.",
        OrderCancelled => "This kit belongs to an order that was cancelled, so the lab cannot accept it. Contact support if you need a new kit.",
        CollectedBeforeShipping => "The collection time is before this kit was shipped. Check the date and time you collected your sample.",
        KitExpired => $"This kit expired on {kit?.ExpiresOn:d MMMM yyyy}, before your sample was collected, so the lab cannot test it. Please order a new kit.",
        ProfileIncomplete => "The lab needs your full name and date of birth to match your sample. Complete your profile, then register the kit again.",
        _ => "This kit could not be registered. Contact support.",
    };
}
