@echo off
rem push.cmd HOSTS.txt MODE TARGETS REPORTS [PAYLOAD]
rem
rem Runs p2vprep on every server listed in HOSTS.txt (one name per line, # for comments)
rem with PsExec, as SYSTEM, copying the exe to each server first (-c): a short way to
rem call "p2vprep push", which does the work, 16 servers at a time, 600 s each at most.
rem The reports land in REPORTS\<COMPUTERNAME>.json; afterwards:
rem   p2vprep-x86.exe summarize REPORTS --csv wave.csv
rem
rem   MODE     check (changes nothing) or apply
rem   TARGETS  e.g. lsilogic  or  lsilogic,pvscsi
rem   REPORTS  a share every server's computer account may write to, e.g. \\fs\p2v\reports
rem   PAYLOAD  a share with the drivers, e.g. \\fs\p2v\payload; leave it out when the exe
rem            carries its payload (a build with P2V_EMBED_PAYLOAD: p2vprep-x86-payload.exe)
rem
rem The 32-bit exe runs on 32- and 64-bit Windows alike. PsExec (Sysinternals PsTools) is
rem taken from PATH. Each host's exit code and meaning go to push-results.csv beside
rem HOSTS.txt (see README: 0 done/ready, 1 not ready, 3 payload, 4 access, 5/6 apply
rem failed, 7 busy, 8 not done: unreachable, PsExec failed or timed out). For more control
rem (--parallel, --timeout, --psexec, --results) run "p2vprep-x86.exe push" yourself.
setlocal enableextensions
if "%~4"=="" (
  echo usage: push.cmd HOSTS.txt check^|apply TARGETS \\server\share\reports [\\server\share\payload]
  exit /b 2
)
set EXE=%~dp0p2vprep-x86.exe
if exist "%~dp0p2vprep-x86-payload.exe" if "%~5"=="" set EXE=%~dp0p2vprep-x86-payload.exe
if not exist "%EXE%" ( echo push.cmd: %EXE% not found beside this script & exit /b 2 )
if "%~5"=="" (
  "%EXE%" push --hosts "%~1" -- %~2 --target %~3 --report "%~4\\" --quiet
) else (
  "%EXE%" push --hosts "%~1" -- %~2 --target %~3 --payload "%~5" --report "%~4\\" --quiet
)
exit /b %errorlevel%
