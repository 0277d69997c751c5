using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Filecheck.Dashboard.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class ProofingRounds : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropPrimaryKey(
                name: "PK_ShareDecisions",
                table: "ShareDecisions");

            // Every decision recorded before rounds existed answers round 1.
            migrationBuilder.AddColumn<int>(
                name: "Round",
                table: "ShareDecisions",
                type: "INTEGER",
                nullable: false,
                defaultValue: 1);

            migrationBuilder.AddPrimaryKey(
                name: "PK_ShareDecisions",
                table: "ShareDecisions",
                columns: new[] { "ShareId", "Position", "Round" });

            migrationBuilder.CreateTable(
                name: "ShareComments",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    ShareId = table.Column<long>(type: "INTEGER", nullable: false),
                    Position = table.Column<int>(type: "INTEGER", nullable: false),
                    Round = table.Column<int>(type: "INTEGER", nullable: false),
                    Proof = table.Column<int>(type: "INTEGER", nullable: false),
                    X = table.Column<double>(type: "REAL", nullable: true),
                    Y = table.Column<double>(type: "REAL", nullable: true),
                    Text = table.Column<string>(type: "TEXT", nullable: false),
                    At = table.Column<long>(type: "INTEGER", nullable: false),
                    EditedAt = table.Column<long>(type: "INTEGER", nullable: true),
                    Answer = table.Column<string>(type: "TEXT", nullable: true),
                    AnsweredBy = table.Column<string>(type: "TEXT", nullable: true),
                    AnsweredAt = table.Column<long>(type: "INTEGER", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ShareComments", x => x.Id);
                    table.ForeignKey(
                        name: "FK_ShareComments_Shares_ShareId",
                        column: x => x.ShareId,
                        principalTable: "Shares",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "ShareRounds",
                columns: table => new
                {
                    ShareId = table.Column<long>(type: "INTEGER", nullable: false),
                    Position = table.Column<int>(type: "INTEGER", nullable: false),
                    Round = table.Column<int>(type: "INTEGER", nullable: false),
                    JobId = table.Column<string>(type: "TEXT", nullable: false),
                    TaskId = table.Column<string>(type: "TEXT", nullable: false),
                    Name = table.Column<string>(type: "TEXT", nullable: true),
                    AddedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    AddedBy = table.Column<string>(type: "TEXT", nullable: false),
                    Changes = table.Column<string>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ShareRounds", x => new { x.ShareId, x.Position, x.Round });
                    table.ForeignKey(
                        name: "FK_ShareRounds_Shares_ShareId",
                        column: x => x.ShareId,
                        principalTable: "Shares",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_ShareComments_ShareId_Position_Round",
                table: "ShareComments",
                columns: new[] { "ShareId", "Position", "Round" });

            migrationBuilder.CreateIndex(
                name: "IX_ShareRounds_JobId",
                table: "ShareRounds",
                column: "JobId");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "ShareComments");

            migrationBuilder.DropTable(
                name: "ShareRounds");

            migrationBuilder.DropPrimaryKey(
                name: "PK_ShareDecisions",
                table: "ShareDecisions");

            migrationBuilder.DropColumn(
                name: "Round",
                table: "ShareDecisions");

            migrationBuilder.AddPrimaryKey(
                name: "PK_ShareDecisions",
                table: "ShareDecisions",
                columns: new[] { "ShareId", "Position" });
        }
    }
}
