namespace Dtc.Data.Customers;

/// <summary>The patient. Its id is also the id of the sign-in account (<see cref="Accounts.DtcUser"/>).</summary>
public class Customer
{
    public Guid Id { get; set; }
    /// <summary>The identifier the lab sees in PID-3 (e.g. PAT-1002).</summary>
    public required string PatientNumber { get; set; }
    public required string Email { get; set; }
    public bool EmailVerified { get; set; }
    public string GivenName { get; set; } = "";
    public string FamilyName { get; set; } = "";
    public DateOnly? DateOfBirth { get; set; }
    public string? Phone { get; set; }
    public Address? ShippingAddress { get; set; }
    public NotificationPreferences Preferences { get; set; } = new();
    public string TimeZone { get; set; } = "UTC";
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
    /// <summary>Version of the profile as last applied; an update carrying an older version is ignored.</summary>
    public long Version { get; set; }
    public DateTimeOffset? ClosureRequestedAt { get; set; }
    public DateTimeOffset? ClosedAt { get; set; }
}

public class Address
{
    public string Line1 { get; set; } = "";
    public string? Line2 { get; set; }
    public string City { get; set; } = "";
    public string? Region { get; set; }
    public string PostalCode { get; set; } = "";
    public string Country { get; set; } = "";
}

public class NotificationPreferences
{
    public bool ResultsByEmail { get; set; } = true;
    public bool ResultsBySms { get; set; }
    public bool Marketing { get; set; }
    /// <summary>Local hours (in the customer's time zone) during which no SMS is sent, e.g. 21 → 8.</summary>
    public int QuietHoursStart { get; set; } = 21;
    public int QuietHoursEnd { get; set; } = 8;
}
