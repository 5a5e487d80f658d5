using Dtc.Data.Accounts;
using Dtc.Data.Audit;
using Dtc.Data.Catalogue;
using Dtc.Data.Customers;
using Dtc.Data.Kits;
using Dtc.Data.Messaging;
using Dtc.Data.Notifications;
using Dtc.Data.Operations;
using Dtc.Data.Orders;
using Dtc.Data.Results;
using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;

namespace Dtc.Data;

public class DtcDbContext(DbContextOptions<DtcDbContext> options)
    : IdentityDbContext<DtcUser, IdentityRole<Guid>, Guid>(options), IDataProtectionKeyContext
{
    public DbSet<Customer> Customers => Set<Customer>();
    public DbSet<RefreshToken> RefreshTokens => Set<RefreshToken>();
    public DbSet<Product> Products => Set<Product>();
    public DbSet<Order> Orders => Set<Order>();
    public DbSet<Kit> Kits => Set<Kit>();
    public DbSet<KitRegistration> KitRegistrations => Set<KitRegistration>();
    public DbSet<LabReport> LabReports => Set<LabReport>();
    public DbSet<ReportVersion> ReportVersions => Set<ReportVersion>();
    public DbSet<Observation> Observations => Set<Observation>();
    public DbSet<QuarantinedMessage> QuarantinedMessages => Set<QuarantinedMessage>();
    public DbSet<Notification> Notifications => Set<Notification>();
    public DbSet<AccountEmail> AccountEmails => Set<AccountEmail>();
    public DbSet<AuditEvent> AuditEvents => Set<AuditEvent>();
    public DbSet<OutboxMessage> Outbox => Set<OutboxMessage>();
    public DbSet<InboxMessage> Inbox => Set<InboxMessage>();
    public DbSet<CronRun> CronRuns => Set<CronRun>();
    public DbSet<HealthSnapshot> HealthSnapshots => Set<HealthSnapshot>();
    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();

    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder);
        builder.ApplyConfigurationsFromAssembly(typeof(DtcDbContext).Assembly);
    }
}
