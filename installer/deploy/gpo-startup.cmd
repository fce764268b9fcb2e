@echo off
rem Group Policy computer startup script (Computer Configuration > Policies > Windows
rem Settings > Scripts > Startup). It runs as SYSTEM at every boot, before logon.
rem Put p2vprep-x86.exe, p2vprep-x64.exe and the payload folder on a share that the
rem computer accounts (Domain Computers) can read, and a reports folder they can write.
rem Each run is idempotent: once a server is prepared, later boots change nothing and
rem only refresh its report.
setlocal
set SHARE=\\fs\p2v
set MODE=apply
set TARGETS=lsilogic
"%SHARE%\p2vprep-x86.exe" %MODE% --target %TARGETS% --payload "%SHARE%\payload" --report "%SHARE%\reports\\" --quiet --log "%SystemRoot%\p2vprep\startup.log"
endlocal
