using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Filecheck.Dashboard.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class CorrectedFilesFromCustomers : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<bool>(
                name: "AllowUploads",
                table: "Shares",
                type: "INTEGER",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<int>(
                name: "UploadCount",
                table: "Shares",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.CreateTable(
                name: "ShareUploads",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    ShareId = table.Column<long>(type: "INTEGER", nullable: false),
                    Position = table.Column<int>(type: "INTEGER", nullable: false),
                    Round = table.Column<int>(type: "INTEGER", nullable: false),
                    At = table.Column<long>(type: "INTEGER", nullable: false),
                    SentBy = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    FileName = table.Column<string>(type: "TEXT", maxLength: 255, nullable: false),
                    Bytes = table.Column<long>(type: "INTEGER", nullable: false),
                    JobId = table.Column<string>(type: "TEXT", nullable: true),
                    State = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    Problem = table.Column<string>(type: "TEXT", nullable: true),
                    DoneAt = table.Column<long>(type: "INTEGER", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ShareUploads", x => x.Id);
                    table.ForeignKey(
                        name: "FK_ShareUploads_Shares_ShareId",
                        column: x => x.ShareId,
                        principalTable: "Shares",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_ShareUploads_ShareId_Position_Round",
                table: "ShareUploads",
                columns: new[] { "ShareId", "Position", "Round" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_ShareUploads_State",
                table: "ShareUploads",
                column: "State");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "ShareUploads");

            migrationBuilder.DropColumn(
                name: "AllowUploads",
                table: "Shares");

            migrationBuilder.DropColumn(
                name: "UploadCount",
                table: "Shares");
        }
    }
}
