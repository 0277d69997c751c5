using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Filecheck.Dashboard.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class ShareCounters : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<long>(
                name: "FirstViewedAt",
                table: "Shares",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "ImageCount",
                table: "Shares",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0);

            // Links viewed before the counters: their first view is the oldest view row the audit holds.
            migrationBuilder.Sql("UPDATE Shares SET FirstViewedAt = (SELECT MIN(At) FROM ShareAudit WHERE ShareAudit.ShareId = Shares.Id AND ShareAudit.Action = 'view')");

            migrationBuilder.CreateIndex(
                name: "IX_ShareAudit_At",
                table: "ShareAudit",
                column: "At");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_ShareAudit_At",
                table: "ShareAudit");

            migrationBuilder.DropColumn(
                name: "FirstViewedAt",
                table: "Shares");

            migrationBuilder.DropColumn(
                name: "ImageCount",
                table: "Shares");
        }
    }
}
