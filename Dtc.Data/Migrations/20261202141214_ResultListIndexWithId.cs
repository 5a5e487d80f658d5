using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Dtc.Data.Migrations
{
    /// <inheritdoc />
    public partial class ResultListIndexWithId : Migration
    {
        // The results list orders by (issued_at desc, id desc): with id in the index its rows come out in that
        // order and the plan needs no sort. Built beside the old index without blocking writes (CONCURRENTLY,
        // outside the migration's transaction), which is then dropped the same way: lab_reports takes results
        // from the LIS all the while.
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateIndex(
                name: "ix_lab_reports_customer_id_issued_at_id",
                table: "lab_reports",
                columns: new[] { "customer_id", "issued_at", "id" },
                filter: "released")
                .Annotation("Npgsql:CreatedConcurrently", true);

            migrationBuilder.Sql(
                "drop index concurrently if exists ix_lab_reports_customer_id_issued_at;", suppressTransaction: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateIndex(
                name: "ix_lab_reports_customer_id_issued_at",
                table: "lab_reports",
                columns: new[] { "customer_id", "issued_at" },
                filter: "released")
                .Annotation("Npgsql:CreatedConcurrently", true);

            migrationBuilder.Sql(
                "drop index concurrently if exists ix_lab_reports_customer_id_issued_at_id;", suppressTransaction: true);
        }
    }
}
