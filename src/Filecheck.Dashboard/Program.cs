using Filecheck.Dashboard;
using Filecheck.Dashboard.Access;
using Filecheck.Dashboard.History;
using Filecheck.Dashboard.Jobs;
using Filecheck.Dashboard.Sandbox;
using Filecheck.Dashboard.Sharing;
using Filecheck.Dashboard.Shell;
using Filecheck.Dashboard.Trends;

var builder = WebApplication.CreateBuilder(DashboardPaths.Options(args));

builder.AddShell();
builder.AddAccess();
builder.AddSandbox();
builder.AddJobs();
builder.AddHistory();
builder.AddTrends();
builder.AddSharing();

var app = builder.Build();

app.UseShell();
app.MapAccess();
app.MapSandbox();
app.MapHistory();
app.MapSharing();
app.MapJobs();
app.MapTrends();
app.MapShell();

app.Run();

public partial class Program;
