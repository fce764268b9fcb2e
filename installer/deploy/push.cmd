@echo off
rem push.cmd HOSTS.txt MODE TARGETS REPORTS [PAYLOAD]
rem
rem Runs p2vprep on every server listed in HOSTS.txt (one name per line, # for comments)
rem with PsExec, as SYSTEM, copying the exe to each server first (-c). The reports land in
rem REPORTS\<COMPUTERNAME>.json; afterwards:  p2vprep-x86.exe summarize REPORTS --csv wave.csv
rem
rem   MODE     check (changes nothing) or apply
rem   TARGETS  e.g. lsilogic  or  lsilogic,pvscsi
rem   REPORTS  a share every server's computer account may write to, e.g. \\fs\p2v\reports
rem   PAYLOAD  a share with the drivers, e.g. \\fs\p2v\payload; leave it out when the exe
rem            carries its payload (a build with P2V_EMBED_PAYLOAD: p2vprep-x86-payload.exe)
rem
rem The 32-bit exe runs on 32- and 64-bit Windows alike. Exit codes per host go to
rem push-results.csv beside this script (see README: 0 done/ready, 1 not ready, 3 payload,
rem 4 access, 5/6 apply failed, 7 busy; PsExec's own failures are other numbers).
setlocal enableextensions enabledelayedexpansion
if "%~4"=="" (
  echo usage: push.cmd HOSTS.txt check^|apply TARGETS \\server\share\reports [\\server\share\payload]
  exit /b 2
)
set HOSTS=%~1
set MODE=%~2
set TARGETS=%~3
set REPORTS=%~4
set PAYLOAD=
if not "%~5"=="" set PAYLOAD=--payload "%~5"
set EXE=%~dp0p2vprep-x86.exe
if exist "%~dp0p2vprep-x86-payload.exe" if "%~5"=="" set EXE=%~dp0p2vprep-x86-payload.exe
if not exist "%HOSTS%" ( echo push.cmd: no host list at %HOSTS% & exit /b 2 )
if not exist "%EXE%" ( echo push.cmd: %EXE% not found beside this script & exit /b 2 )
where psexec >nul 2>nul || ( echo push.cmd: psexec not found in PATH ^(Sysinternals PsTools^) & exit /b 2 )

set RESULTS=%~dp0push-results.csv
echo host,exit_code>"%RESULTS%"
for /f "usebackq eol=# tokens=1" %%H in ("%HOSTS%") do (
  echo === %%H
  psexec \\%%H -accepteula -nobanner -s -c -f "%EXE%" %MODE% --target %TARGETS% %PAYLOAD% --report "%REPORTS%\\" --quiet
  echo %%H,!errorlevel!>>"%RESULTS%"
)
echo Results: %RESULTS%
endlocal
