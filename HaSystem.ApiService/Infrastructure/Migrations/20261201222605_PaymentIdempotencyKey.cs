using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace HaSystem.ApiService.Infrastructure.Migrations
{
    /// <inheritdoc />
    public partial class PaymentIdempotencyKey : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "IdempotencyKey",
                table: "PaymentCharges",
                type: "TEXT",
                maxLength: 300,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<int>(
                name: "Requests",
                table: "PaymentCharges",
                type: "INTEGER",
                nullable: false,
                defaultValue: 1);

            // Charges recorded before keys existed get one each, so the unique index can be built over them.
            migrationBuilder.Sql("UPDATE PaymentCharges SET IdempotencyKey = 'legacy:' || Id WHERE IdempotencyKey = '';");

            migrationBuilder.CreateIndex(
                name: "IX_PaymentCharges_IdempotencyKey",
                table: "PaymentCharges",
                column: "IdempotencyKey",
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_PaymentCharges_IdempotencyKey",
                table: "PaymentCharges");

            migrationBuilder.DropColumn(
                name: "IdempotencyKey",
                table: "PaymentCharges");

            migrationBuilder.DropColumn(
                name: "Requests",
                table: "PaymentCharges");
        }
    }
}
