using Filecheck.Dashboard;
using Filecheck.Dashboard.Access;
using Filecheck.Dashboard.Backend;
using Filecheck.Dashboard.History;
using Filecheck.Dashboard.Jobs;
using Filecheck.Dashboard.Sharing;
using Filecheck.Dashboard.Shell;

var builder = WebApplication.CreateBuilder(DashboardPaths.Options(args));

builder.AddFilecheckBackend();
builder.AddAccess();
builder.Services.AddShell();
builder.Services.AddJobs();
builder.Services.AddHistory(builder.Configuration);
builder.Services.AddSharing(builder.Configuration);

var app = builder.Build();

app.UseShell();
app.MapAccess();
app.MapHistory();
app.MapSharing();
app.MapJobs();
app.MapShell();

app.Run();

public partial class Program;
