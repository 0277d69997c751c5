using System.Text.Json.Serialization;
using Filecheck.Api;
using Filecheck.Api.Models;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Forms;
using Microsoft.Extensions.Options;
using Microsoft.JSInterop;

namespace Filecheck.Dashboard.Jobs.Checks;

public partial class NewCheckPage : IDisposable
{
    private CheckForm _form = new();
    private string? _originalFile;
    private string? _startProblem;
    private string? _problem;
    private string? _progress;
    private bool _busy;
    private IReadOnlyList<LibraryItem> _profiles = [];
    private FilecheckFailure? _profilesFailure;
    private bool _startUnavailable;
    private Shell.RetryLoop? _retry;

    [Inject] private CheckService Checks { get; set; } = default!;
    [Inject] private Filecheck.Dashboard.Access.AccessGuard Guard { get; set; } = default!;
    [Inject] private IFilecheckClient Client { get; set; } = default!;
    [Inject] private IOptions<CheckOptions> Options { get; set; } = default!;
    [Inject] private NavigationManager Navigation { get; set; } = default!;
    [Inject] private IJSRuntime JS { get; set; } = default!;
    [Inject] private AuthenticationStateProvider Authentication { get; set; } = default!;
    [Inject] private AntiforgeryStateProvider Antiforgery { get; set; } = default!;
    [Inject] private TimeProvider Clock { get; set; } = default!;

    [SupplyParameterFromQuery(Name = "job")] public string? JobId { get; set; }
    [SupplyParameterFromQuery(Name = "file")] public string? TaskId { get; set; }

    /// <summary>What the browser's upload answered (see wwwroot/js/shortcuts.js, <c>fcChecks.upload</c>).</summary>
    public sealed record BrowserUpload(
        [property: JsonPropertyName("ok")] bool Ok,
        [property: JsonPropertyName("fileRef")] string? FileRef,
        [property: JsonPropertyName("message")] string? Message,
        [property: JsonPropertyName("renewed")] bool Renewed,
        [property: JsonPropertyName("name")] string? Name,
        [property: JsonPropertyName("chosen")] bool Chosen);

    protected override async Task OnParametersSetAsync()
    {
        // Read once the circuit is interactive: a prerender would look the original job up (and audit it) twice.
        if (!RendererInfo.IsInteractive) return;
        var start = await Checks.StartFromAsync(JobId, TaskId);
        _form = start.Form;
        _originalFile = start.OriginalFileName;
        _startProblem = start.Problem;
        _startUnavailable = start.Unavailable;
        await LoadProfilesAsync();
        // What Filecheck could not give now (the original, the profiles) comes when it answers again, without a reload.
        if (_startUnavailable || _profilesFailure is not null)
        {
            _retry ??= new Shell.RetryLoop(Clock);
            _retry.Start(RecoverAsync, _profilesFailure?.RetryAfter);
        }
    }

    private bool Recovering => _retry?.Running == true;

    private async Task LoadProfilesAsync()
    {
        var profiles = await Client.ListProfilesAsync();
        _profiles = profiles.IsSuccess ? profiles.Value : [];
        _profilesFailure = profiles.IsSuccess ? null : profiles.Failure;
    }

    private async Task<Shell.RetryAnswer> RecoverAsync(CancellationToken ct)
    {
        var start = _startUnavailable ? await Checks.StartFromAsync(JobId, TaskId, ct) : null;
        var profiles = _profilesFailure is not null ? await Client.ListProfilesAsync(ct) : null;
        await InvokeAsync(() =>
        {
            if (start is not null && !start.Unavailable)
            {
                // What the person already wrote stays; the rest is the original's.
                start.Form.Note = _form.Note;
                start.Form.Confirmed = _form.Confirmed;
                _form = start.Form;
                _originalFile = start.OriginalFileName;
                _startProblem = start.Problem;
                _startUnavailable = false;
            }
            if (profiles is not null)
            {
                _profiles = profiles.IsSuccess ? profiles.Value : [];
                _profilesFailure = profiles.IsSuccess ? null : profiles.Failure;
            }
            StateHasChanged();
        });
        return _startUnavailable || _profilesFailure is not null ? Shell.RetryAnswer.NotYet(_profilesFailure?.RetryAfter) : Shell.RetryAnswer.Succeeded;
    }

    public void Dispose() => _retry?.Dispose();

    private async Task SubmitAsync()
    {
        if (_busy) return;
        _busy = true;
        _problem = null;
        try
        {
            var chosen = _form.Source == CheckSource.Upload && await JS.InvokeAsync<bool>("fcChecks.chosen", "check-file");
            var problems = _form.Problems(fileChosen: chosen);
            if (problems.Count > 0)
            {
                _problem = string.Join(" ", problems);
                return;
            }

            string? fileRef = null;
            if (_form.Source == CheckSource.Upload)
            {
                _progress = "Sending the file to Filecheck…";
                StateHasChanged();
                var token = Antiforgery.GetAntiforgeryToken()?.Value;
                var upload = await JS.InvokeAsync<BrowserUpload>("fcChecks.upload", TimeSpan.FromHours(1), "check-file", CheckUploadEndpoint.Path, token, Options.Value.MaxUploadBytes);
                if (!upload.Ok || upload.FileRef is null)
                {
                    _problem = upload.Message ?? "The file could not be sent.";
                    return;
                }
                fileRef = upload.FileRef;
                // The name of the file sent, not of the original it replaces.
                _form.FileName = upload.Name ?? _form.FileName;
                if (upload.Renewed) _progress = "Filecheck's upload permission ran out once; it was renewed and the file sent again.";
            }

            _progress = "Starting the check…";
            StateHasChanged();
            // Checked again here: a page opened before a role was taken away must not still submit.
            await Guard.EnsureAllowedAsync(Filecheck.Dashboard.Access.Policies.RunChecks);
            var user = (await Authentication.GetAuthenticationStateAsync()).User;
            // Submitted once, never retried: a repeat would run (and bill) a second job.
            var result = await Checks.SubmitAsync(_form, fileRef, user);
            if (result.Job is not { } job)
            {
                _problem = result.Problem;
                return;
            }
            Navigation.NavigateTo(Urls.Job(job.Id));
        }
        catch (Filecheck.Dashboard.Access.AccessDeniedException e)
        {
            _problem = e.Message;
        }
        catch (JSException e)
        {
            _problem = "The browser could not send the file: " + e.Message;
        }
        finally
        {
            _busy = false;
            _progress = _problem is null ? _progress : null;
        }
    }

    private static string ValidationName(string code) => code switch
    {
        "auto" => "Detect from the file",
        "ua1" => "PDF/UA-1",
        "ua2" => "PDF/UA-2",
        _ => "PDF/A-" + code.ToUpperInvariant()[0] + code[1..],
    };
}
