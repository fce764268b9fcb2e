# Writes an .rc that carries every file under DIR as P2VPAYLOAD resources 1..N, and the
# resource PAYLOAD-INDEX listing their paths relative to DIR ("x86/symmpi.sys"), each
# NUL-terminated, in the same order. (Numbers, not string names: windres joins a file
# name string with a string name on the next line.)
# cmake -DDIR=... -DOUT=... -P payload.cmake
file(GLOB_RECURSE files RELATIVE "${DIR}" "${DIR}/*")
list(FILTER files EXCLUDE REGEX "(^|/)README")
list(SORT files)
set(index "")
set(body "")
set(n 0)
foreach(f ${files})
  math(EXPR n "${n} + 1")
  string(APPEND index " \"${f}\\0\",")
  string(APPEND body "${n} P2VPAYLOAD \"${DIR}/${f}\"\n")
endforeach()
file(WRITE "${OUT}" "// generated from ${DIR}\n\"PAYLOAD-INDEX\" P2VPAYLOAD {${index} \"\\0\" }\n${body}")
