using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Dtc.Data.Migrations
{
    /// <inheritdoc />
    public partial class WorkerAndCron : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "fulfilment_sync_requested_at",
                table: "orders",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "claimed_at",
                table: "notifications",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "not_before",
                table: "notifications",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "provider_reference",
                table: "notifications",
                type: "character varying(128)",
                maxLength: 128,
                nullable: true);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "overdue_notified_at",
                table: "kits",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "account_emails",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    dedupe_key = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    template = table.Column<string>(type: "character varying(48)", maxLength: 48, nullable: false),
                    status = table.Column<string>(type: "character varying(8)", maxLength: 8, nullable: false),
                    attempts = table.Column<int>(type: "integer", nullable: false),
                    error = table.Column<string>(type: "text", nullable: true),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    claimed_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    sent_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    provider_reference = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_account_emails", x => x.id);
                });

            migrationBuilder.CreateIndex(
                name: "ix_notifications_not_before",
                table: "notifications",
                column: "not_before",
                filter: "status = 'queued' and not_before is not null");

            migrationBuilder.CreateIndex(
                name: "ix_account_emails_created_at",
                table: "account_emails",
                column: "created_at");

            migrationBuilder.CreateIndex(
                name: "ix_account_emails_dedupe_key",
                table: "account_emails",
                column: "dedupe_key",
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "account_emails");

            migrationBuilder.DropIndex(
                name: "ix_notifications_not_before",
                table: "notifications");

            migrationBuilder.DropColumn(
                name: "fulfilment_sync_requested_at",
                table: "orders");

            migrationBuilder.DropColumn(
                name: "claimed_at",
                table: "notifications");

            migrationBuilder.DropColumn(
                name: "not_before",
                table: "notifications");

            migrationBuilder.DropColumn(
                name: "provider_reference",
                table: "notifications");

            migrationBuilder.DropColumn(
                name: "overdue_notified_at",
                table: "kits");
        }
    }
}
