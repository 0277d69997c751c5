using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Filecheck.Dashboard.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class SearchByEmailAndRetention : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "CustomerEmailLower",
                table: "Jobs",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "StepsPrunedAt",
                table: "Jobs",
                type: "INTEGER",
                nullable: true);

            // Rows stored before this migration become searchable by email at once (lower() folds ASCII, as emails are).
            migrationBuilder.Sql("UPDATE \"Jobs\" SET \"CustomerEmailLower\" = lower(\"CustomerEmail\") WHERE \"CustomerEmail\" IS NOT NULL;");

            migrationBuilder.CreateIndex(
                name: "IX_Jobs_CustomerEmailLower",
                table: "Jobs",
                column: "CustomerEmailLower");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Jobs_CustomerEmailLower",
                table: "Jobs");

            migrationBuilder.DropColumn(
                name: "CustomerEmailLower",
                table: "Jobs");

            migrationBuilder.DropColumn(
                name: "StepsPrunedAt",
                table: "Jobs");
        }
    }
}
