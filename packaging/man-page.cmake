# cmake -DBINARY=PATH -DNAME=herd -DSECTION=1 -DHELP2MAN=PATH -DINCLUDE=docs/man/herd.h2m
#       -DOUT=herd.1.gz -P packaging/man-page.cmake
#
# A man page made from the binary itself: help2man turns `NAME --help` and
# `NAME --version` into NAME(SECTION); INCLUDE adds what --help cannot say
# (description, files, exit status, see also); and a COMMANDS section holds
# the --help of every subcommand, walked recursively, so the page lists
# exactly what this build accepts. The binary runs as plain NAME (from PATH)
# so that its usage lines say "NAME", not the build tree's path.
foreach(var BINARY NAME SECTION HELP2MAN INCLUDE OUT)
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "man-page.cmake: -D${var}= is required")
  endif()
endforeach()

get_filename_component(bin_dir ${BINARY} DIRECTORY)
set(ENV{PATH} "${bin_dir}:$ENV{PATH}")
# Help text as a user sees it: no colours, no terminal-width wrapping.
set(ENV{COLUMNS} 80)
set(ENV{LANG} C.UTF-8)
unset(ENV{HERD_CONFIG})

# roff-safe text: backslashes escaped, no line read as a request.
function(roff_escape text out)
  string(REPLACE "\\" "\\e" text "${text}")
  string(REGEX REPLACE "(^|\n)([.'])" "\\1\\\\&\\2" text "${text}")
  set(${out} "${text}" PARENT_SCOPE)
endfunction()

# The subcommand names listed under "Subcommands:" in a CLI11 help text.
function(subcommands_of help out)
  set(names "")
  string(FIND "${help}" "\nSubcommands:\n" at)
  if(at GREATER -1)
    string(SUBSTRING "${help}" ${at} -1 rest)
    string(REPLACE "\n" ";" lines "${rest}")
    foreach(line IN LISTS lines)
      if(line MATCHES "^  ([a-z][a-z0-9-]*)( |$)")
        list(APPEND names ${CMAKE_MATCH_1})
      endif()
    endforeach()
  endif()
  set(${out} ${names} PARENT_SCOPE)
endfunction()

# Appends `NAME WORDS... --help` for every subcommand below WORDS.
set(commands_roff "")
function(walk words)
  execute_process(COMMAND ${NAME} ${words} --help RESULT_VARIABLE rc OUTPUT_VARIABLE help ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "${NAME} ${words} --help exited ${rc}: ${err}")
  endif()
  if(words)
    string(REPLACE ";" " " title "${NAME} ${words}")
    roff_escape("${help}" body)
    string(STRIP "${body}" body)
    string(APPEND commands_roff ".SS \"${title}\"\n.nf\n${body}\n.fi\n")
  endif()
  subcommands_of("${help}" subs)
  foreach(sub IN LISTS subs)
    if(words)
      walk("${words};${sub}")
    else()
      walk("${sub}")
    endif()
  endforeach()
  set(commands_roff "${commands_roff}" PARENT_SCOPE)
endfunction()
walk("")

file(READ ${INCLUDE} include_text)
set(generated ${OUT}.h2m)
if(commands_roff)
  # help2man places an unknown section such as COMMANDS after OPTIONS.
  set(include_text "${include_text}\n[COMMANDS]\n${commands_roff}")
endif()
file(WRITE ${generated} "${include_text}")

get_filename_component(out_dir ${OUT} DIRECTORY)
file(MAKE_DIRECTORY ${out_dir})
string(REGEX REPLACE "\\.gz$" "" page ${OUT})
execute_process(
  COMMAND ${HELP2MAN} --no-info --section=${SECTION} --include=${generated} --output=${page} ${NAME}
  RESULT_VARIABLE rc ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "help2man ${NAME} failed (${rc}): ${err}")
endif()
# gzip -n: no name or time stamp inside, so the page is reproducible.
execute_process(COMMAND gzip -n -9 -f ${page} RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "gzip ${page} failed")
endif()
file(REMOVE ${generated})
