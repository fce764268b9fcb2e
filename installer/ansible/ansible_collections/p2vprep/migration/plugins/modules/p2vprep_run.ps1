#!powershell

# Copyright: p2vprep maintainers
# MIT License (see the collection's galaxy.yml)

#AnsibleRequires -CSharpUtil Ansible.Basic

# Runs the p2vprep exe with the arguments given and returns rc, stdout and stderr (both
# read as UTF-8, which p2vprep writes to a pipe). Documentation in p2vprep_run.py.

$spec = @{
    options = @{
        exe = @{ type = "path"; required = $true }
        argv = @{ type = "list"; elements = "str"; required = $true }
    }
    supports_check_mode = $true
}
$module = [Ansible.Basic.AnsibleModule]::Create($args, $spec)

if (-not (Test-Path -LiteralPath $module.Params.exe -PathType Leaf)) {
    $module.FailJson("p2vprep not found at $($module.Params.exe): copy it there first (the wave role does)")
}

# Each argument quoted as Windows' command-line parser (CommandLineToArgvW) reads it back.
function ConvertTo-Argument([string]$a) {
    if ($a -ne "" -and $a -notmatch '[\s"]') { return $a }
    $q = $a -replace '(\\*)"', '$1$1\"' -replace '(\\+)$', '$1$1'
    return '"' + $q + '"'
}

$psi = New-Object -TypeName System.Diagnostics.ProcessStartInfo
$psi.FileName = $module.Params.exe
$psi.Arguments = ($module.Params.argv | ForEach-Object { ConvertTo-Argument $_ }) -join " "
$psi.UseShellExecute = $false
$psi.RedirectStandardOutput = $true
$psi.RedirectStandardError = $true
$psi.StandardOutputEncoding = [System.Text.Encoding]::UTF8
$psi.StandardErrorEncoding = [System.Text.Encoding]::UTF8
$proc = [System.Diagnostics.Process]::Start($psi)
$errTask = $proc.StandardError.ReadToEndAsync()
$out = $proc.StandardOutput.ReadToEnd()
$proc.WaitForExit()

$module.Result.rc = $proc.ExitCode
$module.Result.stdout = $out
$module.Result.stderr = $errTask.Result
$module.ExitJson()
