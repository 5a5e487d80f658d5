using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Dtc.Data.Migrations
{
    /// <inheritdoc />
    public partial class LisIngestion : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_report_versions_source_message_id",
                table: "report_versions");

            migrationBuilder.AddColumn<string>(
                name: "notes",
                table: "report_versions",
                type: "text",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "notes",
                table: "observations",
                type: "text",
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "ix_report_versions_source_message_id_report_id",
                table: "report_versions",
                columns: new[] { "source_message_id", "report_id" },
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_report_versions_source_message_id_report_id",
                table: "report_versions");

            migrationBuilder.DropColumn(
                name: "notes",
                table: "report_versions");

            migrationBuilder.DropColumn(
                name: "notes",
                table: "observations");

            migrationBuilder.CreateIndex(
                name: "ix_report_versions_source_message_id",
                table: "report_versions",
                column: "source_message_id",
                unique: true);
        }
    }
}
