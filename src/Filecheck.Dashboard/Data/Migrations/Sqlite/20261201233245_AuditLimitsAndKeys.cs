using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Filecheck.Dashboard.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class AuditLimitsAndKeys : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "CreatedById",
                table: "Shares",
                type: "TEXT",
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<string>(
                name: "Action",
                table: "Lookups",
                type: "TEXT",
                nullable: false,
                defaultValue: "lookup");

            migrationBuilder.AddColumn<string>(
                name: "UserId",
                table: "Lookups",
                type: "TEXT",
                nullable: false,
                defaultValue: "");

            migrationBuilder.CreateTable(
                name: "DataProtectionKeys",
                columns: table => new
                {
                    Id = table.Column<int>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    FriendlyName = table.Column<string>(type: "TEXT", nullable: true),
                    Xml = table.Column<string>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_DataProtectionKeys", x => x.Id);
                });

            // Rows from before the stable ID was kept: the name is the best ID they have.
            migrationBuilder.Sql("UPDATE Lookups SET UserId = UserName WHERE UserId = '';");
            migrationBuilder.Sql("UPDATE Shares SET CreatedById = CreatedBy WHERE CreatedById = '';");

            migrationBuilder.CreateIndex(
                name: "IX_Shares_CreatedById",
                table: "Shares",
                column: "CreatedById");

            migrationBuilder.CreateIndex(
                name: "IX_Lookups_UserId_Action_Id",
                table: "Lookups",
                columns: new[] { "UserId", "Action", "Id" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "DataProtectionKeys");

            migrationBuilder.DropIndex(
                name: "IX_Shares_CreatedById",
                table: "Shares");

            migrationBuilder.DropIndex(
                name: "IX_Lookups_UserId_Action_Id",
                table: "Lookups");

            migrationBuilder.DropColumn(
                name: "CreatedById",
                table: "Shares");

            migrationBuilder.DropColumn(
                name: "Action",
                table: "Lookups");

            migrationBuilder.DropColumn(
                name: "UserId",
                table: "Lookups");
        }
    }
}
